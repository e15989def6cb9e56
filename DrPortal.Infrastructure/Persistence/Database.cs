using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace DrPortal.Infrastructure.Persistence;

internal static class Database
{
    /// <summary>MariaDB 10.11 (Debian 12). A fixed version keeps migrations reproducible without a live server.</summary>
    public static readonly MariaDbServerVersion ServerVersion = new(new Version(10, 11, 0));

    /// <summary>
    /// A refused save is no failure of the portal in itself: a unique index saying "that name exists" is answered with
    /// a 409 or a field error (<see cref="IsDuplicateKey"/>). So EF's own error entries for a failed command or save
    /// (with stack traces) are debug entries; a failure nobody handles is still logged where it ends (the API's
    /// exception handler, Hangfire's job failure, a page's error guard).
    /// </summary>
    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseMySql(Pooled(connectionString), ServerVersion)
            .ConfigureWarnings(w => w.Log((CoreEventId.SaveChangesFailed, LogLevel.Debug), (RelationalEventId.CommandError, LogLevel.Debug)));

    /// <summary>
    /// EF opens and closes the connection around every query, and MySqlConnector resets a pooled connection each time it
    /// is taken (COM_RESET_CONNECTION, then SET NAMES): two extra commands for every query, a third of MariaDB's work in
    /// the P6 list load. The portal keeps no session state on a connection (no session variables, temporary tables or
    /// GET_LOCK; a transaction still open on Close is rolled back by MySqlConnector), so the reset is skipped unless the
    /// connection string asks for it. A pooled connection is still pinged when taken (COM_PING, no SQL), so one the server
    /// closed, or a restarted server, is noticed and a new connection opened.
    /// </summary>
    internal static string Pooled(string connectionString)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        if (!builder.ContainsKey("Connection Reset"))
        {
            builder.ConnectionReset = false;
        }
        return builder.ConnectionString;
    }

    /// <summary>MariaDB's ER_DUP_ENTRY: a unique index refused the row.</summary>
    public static bool IsDuplicateKey(DbUpdateException ex) =>
        ex.InnerException is MySqlException { ErrorCode: MySqlErrorCode.DuplicateKeyEntry };
}
