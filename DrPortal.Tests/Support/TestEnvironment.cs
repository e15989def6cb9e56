using MySqlConnector;

namespace DrPortal.Tests.Support;

/// <summary>
/// What `./dr test` provides: a throwaway MariaDB (DRPORTAL_TEST_MYSQL) and, when up, the lab.
/// Missing pieces fail the test loudly; nothing is skipped.
/// </summary>
public static class TestEnvironment
{
    public static string MySqlConnectionString =>
        Environment.GetEnvironmentVariable("DRPORTAL_TEST_MYSQL") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                "DRPORTAL_TEST_MYSQL is not set. Run the tests with ./dr test, which starts a throwaway MariaDB.");

    /// <summary>Creates an empty database of its own (the test account may create any `drportal%` database).</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var name = $"drportal_test_{Guid.NewGuid():N}"[..30];
        await using (var conn = new MySqlConnection(MySqlConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new MySqlCommand($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        return new MySqlConnectionStringBuilder(MySqlConnectionString) { Database = name }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new MySqlConnectionStringBuilder(connectionString).Database;
        var admin = new MySqlConnectionStringBuilder(connectionString) { Database = "" }.ConnectionString;
        MySqlConnection.ClearAllPools();
        await using var conn = new MySqlConnection(admin);
        await conn.OpenAsync();
        await using var cmd = new MySqlCommand($"DROP DATABASE IF EXISTS `{name}`", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    public static string CreateTempDirectory(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
