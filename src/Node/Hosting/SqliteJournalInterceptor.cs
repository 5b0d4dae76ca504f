using System.Data.Common;
using LinqToDB.Interceptors;
using Orchestrator.Storage.Database;

namespace Orchestrator.Node.Hosting;

/// <summary>Gives the journal's SQLite connections the same pragmas as ours.</summary>
public sealed class SqliteJournalInterceptor : ConnectionInterceptor
{
    public int Opened;

    public override void ConnectionOpened(ConnectionEventData eventData, DbConnection connection)
    {
        SqlitePragmas.Apply(connection);
        Interlocked.Increment(ref Opened);
    }

    public override async Task ConnectionOpenedAsync(ConnectionEventData eventData, DbConnection connection, CancellationToken cancellationToken)
    {
        await SqlitePragmas.ApplyAsync(connection, cancellationToken);
        Interlocked.Increment(ref Opened);
    }
}
