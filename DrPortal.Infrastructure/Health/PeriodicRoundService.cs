using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DrPortal.Infrastructure.Health;

/// <summary>
/// A background watch that runs one round at start and then one every interval. A round that fails (the database away)
/// is logged and the next one comes, so a failure never ends the watch for good; the portal's stop cancels a round.
/// </summary>
internal abstract partial class PeriodicRoundService(ILogger logger) : BackgroundService
{
    /// <summary>What one round watches, for the log: "host checks", "RPO checks".</summary>
    protected abstract string RoundName { get; }

    protected abstract TimeSpan Interval { get; }

    protected abstract Task RunRoundAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await RunRoundAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A round that failed must not end the watch for good.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogRoundFailed(logger, RoundName, ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A round of {Round} failed; the next round comes at the next interval")]
    private static partial void LogRoundFailed(ILogger logger, string round, Exception ex);
}
