using Akka.Hosting;
using Akka.Persistence.Sql.Config;
using Akka.Persistence.Sql.Hosting;
using LinqToDB;
using Orchestrator.Storage;
using Orchestrator.Storage.Database;

namespace Orchestrator.Node.Hosting;

/// <summary>
/// The journal and snapshot store through Akka.Persistence.Sql.Hosting: the same PostgreSQL
/// database as every record, or on SQLite a file of its own whose connections get our pragmas.
/// </summary>
public static class PersistenceSetup
{
    public static AkkaConfigurationBuilder WithOrchestratorPersistence(this AkkaConfigurationBuilder builder,
        StorageOptions storage, SqliteJournalInterceptor interceptor)
    {
        // SQLite writers must wait for each other rather than fail: the same busy timeout as the stores.
        var connectionString = storage.IsPostgres
            ? storage.EffectiveJournalConnectionString
            : SqliteDialect.NormalizeConnectionString(storage.EffectiveJournalConnectionString);
        // On SQLite, linq2db's connections open through our interceptor (WAL, busy timeout, synchronous).
        DataOptions? dataOptions = storage.IsPostgres ? null : new DataOptions()
            .UseConnectionString(storage.LinqToDbProvider, connectionString)
            .UseInterceptor(interceptor);

        // The Hosting options create no table unless AutoInitialize is set ("no such table" otherwise).
        var journal = new SqlJournalOptions(isDefaultPlugin: true)
        {
            ConnectionString = connectionString,
            ProviderName = storage.LinqToDbProvider,
            DatabaseOptions = storage.IsPostgres ? JournalDatabaseOptions.PostgreSql : JournalDatabaseOptions.Sqlite,
            DataOptions = dataOptions,
            AutoInitialize = true,
        };
        var snapshots = new SqlSnapshotOptions(isDefaultPlugin: true)
        {
            ConnectionString = connectionString,
            ProviderName = storage.LinqToDbProvider,
            DatabaseOptions = storage.IsPostgres ? SnapshotDatabaseOptions.PostgreSql : SnapshotDatabaseOptions.Sqlite,
            DataOptions = dataOptions,
            AutoInitialize = true,
        };
        return builder
            .WithSqlPersistence(journal, snapshots)
            // The options have no parallelism: SQLite takes one writer at a time, so parallel journal
            // writers would only wait on each other; PostgreSQL takes a few. The journal batches the
            // events of many conversations into each write either way.
            .AddHocon($"akka.persistence.journal.sql.parallelism = {(storage.IsPostgres ? 3 : 1)}", HoconAddMode.Prepend)
            // Sharding's coordinator state lives in DData; pods have no persistent volume for durable keys.
            .AddHocon("akka.cluster.sharding.distributed-data.durable.keys = []", HoconAddMode.Prepend);
    }
}
