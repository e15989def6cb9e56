using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace DrPortal.Infrastructure.Transport;

/// <summary>
/// One update of rsync's <c>--info=progress2</c> line: bytes so far for the whole transfer, percent of
/// the whole, current rate. rsync prints the time left while a file is moving and the time taken on the
/// line that ends a file (the one with "xfr#"), so exactly one of <see cref="Remaining"/> and
/// <see cref="Elapsed"/> is set, or neither when rsync prints "??:??:??". rsync prints no total;
/// <see cref="BytesTotal"/> is the parser's stable figure for it (null from <see cref="RsyncProgressParser.Parse"/>,
/// which sees one line only).
/// </summary>
public sealed record RsyncProgress(
    long BytesDone,
    int Percent,
    double BytesPerSecond,
    TimeSpan? Remaining,
    TimeSpan? Elapsed,
    bool FileCompleted,
    int? FilesTransferred,
    int? FilesToCheck,
    int? FilesTotal,
    long? BytesTotal = null);

/// <summary>
/// Parses rsync <c>--info=progress2</c> output. rsync rewrites its progress line in place with carriage
/// returns, so updates are separated by '\r' as well as '\n'. <see cref="Parse"/> reads one update;
/// an instance takes raw chunks of the stream as they arrive and yields the complete updates in them.
/// The format is rsync's <c>"%15s %3d%% %7.2f%s %s%s"</c>: grouped digits, percent, rate in kB/s, MB/s
/// or GB/s (powers of 1024), H:MM:SS, and " (xfr#N, to-chk=N/N)" when a file ends.
/// <para>
/// Totals: rsync's percent is truncated to a whole number and its idea of the whole grows as it finds files and
/// partial data, so "bytes × 100 / percent" swings (a 128 MiB file read as 138 MiB at 7 %, 128 MiB at 99 %).
/// An instance therefore reports <see cref="RsyncProgress.BytesTotal"/> as either the expected size it was given
/// (the archive's size, known before a push) with the percent recomputed from it, or, without one, the largest total
/// rsync's own figures guarantee: a truncated percent p means the whole exceeds bytes × 100 / (p + 1). That bound
/// only grows and reaches the true size at 100 %; it never overshoots and comes back down.
/// </para>
/// </summary>
public sealed partial class RsyncProgressParser
{
    private const int MaxUpdateLength = 4096;
    private readonly StringBuilder _pending = new();
    private readonly long? _expectedTotal;
    private long _total;

    /// <param name="expectedTotal">The size the transfer will move when it is known before it starts; null or 0 when not.</param>
    public RsyncProgressParser(long? expectedTotal = null)
    {
        _expectedTotal = expectedTotal is > 0 ? expectedTotal : null;
    }

    [GeneratedRegex(@"^(?<bytes>[0-9][0-9,.']*)\s+(?<pct>[0-9]{1,3})%\s+(?<rate>[0-9]+(?:\.[0-9]+)?)(?<unit>B|kB|KB|MB|GB|TB)/s\s+(?:(?<h>[0-9]+):(?<m>[0-9]{2}):(?<s>[0-9]{2})|\?+:\?\?:\?\?)(?:\s+\((?:xfr|xfer)#(?<xfr>[0-9]+),\s+(?:to|ir)-che?c?k=(?<chk>[0-9]+)/(?<total>[0-9]+)\))?\z")]
    private static partial Regex ProgressPattern();

    /// <summary>Parses one progress update; null for anything else (file names, messages, blank text).</summary>
    public static RsyncProgress? Parse(string update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var m = ProgressPattern().Match(update.Trim());
        if (!m.Success)
        {
            return null;
        }
        // Digit grouping follows rsync's number separator (',' or, in some locales, '.'); drop it.
        var digits = new string(m.Groups["bytes"].Value.Where(char.IsAsciiDigit).ToArray());
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
        {
            return null;
        }
        var rate = double.Parse(m.Groups["rate"].Value, CultureInfo.InvariantCulture) * m.Groups["unit"].Value switch
        {
            "B" => 1d,
            "kB" or "KB" => 1024d,
            "MB" => 1024d * 1024,
            "GB" => 1024d * 1024 * 1024,
            _ => 1024d * 1024 * 1024 * 1024,
        };
        TimeSpan? time = m.Groups["h"].Success
            ? TimeSpan.FromSeconds(
                (long.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture) * 3600)
                + (int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture) * 60)
                + int.Parse(m.Groups["s"].Value, CultureInfo.InvariantCulture))
            : null;
        var completed = m.Groups["xfr"].Success;
        return new RsyncProgress(
            bytes,
            Math.Clamp(int.Parse(m.Groups["pct"].Value, CultureInfo.InvariantCulture), 0, 100),
            rate,
            completed ? null : time,
            completed ? time : null,
            completed,
            completed ? int.Parse(m.Groups["xfr"].Value, CultureInfo.InvariantCulture) : null,
            completed ? int.Parse(m.Groups["chk"].Value, CultureInfo.InvariantCulture) : null,
            completed ? int.Parse(m.Groups["total"].Value, CultureInfo.InvariantCulture) : null);
    }

    /// <summary>
    /// Takes the next chunk of rsync's stdout and returns the updates it completed. Text after the last
    /// '\r' or '\n' waits for the next chunk, so an update cut between two reads is not lost or misread.
    /// </summary>
    public IReadOnlyList<RsyncProgress> Feed(string chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var updates = new List<RsyncProgress>();
        foreach (var c in chunk)
        {
            if (c is '\r' or '\n')
            {
                Flush(updates);
            }
            else if (_pending.Length < MaxUpdateLength)
            {
                // A progress line is under 100 characters; a longer run is not one and need not be kept whole.
                _pending.Append(c);
            }
        }
        return updates;
    }

    /// <summary>Parses whatever is left once the stream has ended.</summary>
    public IReadOnlyList<RsyncProgress> Complete()
    {
        var updates = new List<RsyncProgress>();
        Flush(updates);
        return updates;
    }

    private void Flush(List<RsyncProgress> updates)
    {
        if (_pending.Length == 0)
        {
            return;
        }
        if (Parse(_pending.ToString()) is { } progress)
        {
            updates.Add(WithStableTotal(progress));
        }
        _pending.Clear();
    }

    private RsyncProgress WithStableTotal(RsyncProgress progress)
    {
        if (_expectedTotal is { } expected)
        {
            // A file that grew past its expected size still never shows more done than total.
            _total = Math.Max(_total, Math.Max(expected, progress.BytesDone));
            var percent = (int)Math.Clamp(progress.BytesDone * 100 / _total, 0, 100);
            return progress with { BytesTotal = _total, Percent = percent };
        }
        var bound = progress.Percent >= 100 ? progress.BytesDone : progress.BytesDone * 100 / (progress.Percent + 1);
        _total = Math.Max(_total, Math.Max(bound, progress.BytesDone));
        return progress with { BytesTotal = _total };
    }
}
