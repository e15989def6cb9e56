using Microsoft.EntityFrameworkCore;
using MySqlConnector;

namespace DrPortal.Infrastructure.Persistence;

internal static class Database
{
    /// <summary>MariaDB 10.11 (Debian 12). A fixed version keeps migrations reproducible without a live server.</summary>
    public static readonly MariaDbServerVersion ServerVersion = new(new Version(10, 11, 0));

    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseMySql(connectionString, ServerVersion);

    /// <summary>MariaDB's ER_DUP_ENTRY: a unique index refused the row.</summary>
    public static bool IsDuplicateKey(DbUpdateException ex) =>
        ex.InnerException is MySqlException { ErrorCode: MySqlErrorCode.DuplicateKeyEntry };
}
