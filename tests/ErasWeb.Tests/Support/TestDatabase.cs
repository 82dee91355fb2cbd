using Npgsql;

namespace ErasWeb.Tests.Support;

/// <summary>
/// Which database the app under test uses. SQLite by default; with ERAS_TEST_DATABASE=postgres each
/// app gets a fresh database on the server in ERAS_TEST_POSTGRES (scripts/test.sh starts one and sets both).
/// </summary>
public static class TestDatabase
{
    public static bool OnPostgres => Environment.GetEnvironmentVariable("ERAS_TEST_DATABASE") == "postgres";

    static string Server => Environment.GetEnvironmentVariable("ERAS_TEST_POSTGRES") is { Length: > 0 } s ? s
        : throw new InvalidOperationException("These tests need a PostgreSQL server: run them with scripts/test.sh, which starts one, or set ERAS_TEST_POSTGRES to an Npgsql connection string of a server the tests may create databases on.");

    /// <summary>A new, empty database; its connection string.</summary>
    public static async Task<string> CreatePostgresAsync()
    {
        var name = $"erasweb_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(Server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(Server) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// Closes the pooled connections to the SQLite database in <paramref name="dataDir"/>, and no other: clearing every
    /// pool would also close those of a test running beside this one, and SQLite folds a database's log into its file
    /// when the last connection closes, under that test.
    /// </summary>
    public static void ClearSqlitePool(string dataDir)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(ErasWeb.Data.ErasDb.ConnectionString(Path.GetFullPath(dataDir)));
        Microsoft.Data.Sqlite.SqliteConnection.ClearPool(connection);
    }

    public static async Task DropPostgresAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>The settings that put an app on a new database of the configured kind (none for SQLite: it lives in the data directory).</summary>
    public static async Task<Dictionary<string, string?>> SettingsAsync() => OnPostgres
        ? new() { ["Eras:DatabaseProvider"] = "postgres", ["Eras:Postgres"] = await CreatePostgresAsync() }
        : [];
}
