using System.Data.Common;

namespace Orchestrator.Storage.Database;

/// <summary>
/// The few places where SQLite and PostgreSQL disagree. Everything else (upserts with
/// <c>ON CONFLICT … DO UPDATE</c>, <c>LIMIT/OFFSET</c>, partial indexes) is written once in the stores.
/// </summary>
public abstract class SqlDialect
{
    public abstract string Name { get; }

    public abstract DbConnection CreateConnection();

    /// <summary>Column type for booleans in DDL.</summary>
    public abstract string BooleanType { get; }

    /// <summary>Column type for floating-point numbers in DDL.</summary>
    public abstract string DoubleType { get; }

    /// <summary>
    /// A predicate true when the JSON object at <paramref name="jsonPath"/> of the document column
    /// has a property named by <paramref name="keyParameter"/> whose value, as text, equals
    /// <paramref name="valueParameter"/>. Keys are bound as parameters, so any key is safe.
    /// </summary>
    public abstract string JsonPropertyEquals(string documentColumn, string jsonPath, string keyParameter, string valueParameter);

    /// <summary>A predicate true when <paramref name="column"/> contains <paramref name="parameter"/> (both already lower-cased).</summary>
    public abstract string Contains(string column, string parameter);

    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>
    /// A statement that serialises schema creation across processes, run first in the schema's
    /// transaction; null where the database needs none (SQLite takes one writer at a time anyway).
    /// </summary>
    public virtual string? SchemaLockStatement => null;

    /// <summary>Statements run once per start before the schema (pragmas and the like).</summary>
    public virtual IEnumerable<string> PreparationStatements => [];

    /// <summary>Work outside the database before the first connection (creating a file's folder).</summary>
    public virtual void PrepareEnvironment() { }

    public DbCommand Command(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }
}
