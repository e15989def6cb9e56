using DrPortal.Core.Common;
using DrPortal.Core.Hosts;

namespace DrPortal.Core.Hypervisors;

/// <summary>The registered hypervisor kinds and the rules that hold across them.</summary>
public sealed class HypervisorProfiles(IEnumerable<IHypervisorProfile> profiles)
{
    private readonly IReadOnlyList<IHypervisorProfile> _profiles = profiles.OrderBy(p => p.Kind).ToList();

    public IReadOnlyList<IHypervisorProfile> All => _profiles;

    public IHypervisorProfile? Find(HypervisorKind kind) => _profiles.FirstOrDefault(p => p.Kind == kind);

    /// <exception cref="InvalidOperationException">No profile of that kind is registered.</exception>
    public IHypervisorProfile Of(HypervisorKind kind) =>
        Find(kind) ?? throw new InvalidOperationException($"No hypervisor profile for kind {kind}.");

    public string NameOf(HypervisorKind kind) => Find(kind)?.DisplayName ?? kind.ToString();

    /// <summary>"Proxmox or Libvirt": the kinds a host may have, for error messages.</summary>
    public string KindList => string.Join(" or ", _profiles.Select(p => p.Kind.ToString()));

    /// <summary>
    /// A pair's options, complete: every option of the kind, the given value where one was given, else the default.
    /// Unknown keys and values outside a choice list are errors under <paramref name="field"/>.
    /// </summary>
    public static IReadOnlyDictionary<string, string> CompleteOptions(IHypervisorProfile profile, IReadOnlyDictionary<string, string>? given, ValidationErrors errors, string field)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(errors);
        var complete = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in given ?? new Dictionary<string, string>())
        {
            var spec = profile.BackupOptions.FirstOrDefault(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase));
            if (spec is null)
            {
                errors.Add(field, $"'{Clip(key)}' is not a backup option of {profile.DisplayName}; its options are {string.Join(", ", profile.BackupOptions.Select(s => s.Key))}.");
                continue;
            }
            var choice = spec.Choices.FirstOrDefault(c => string.Equals(c.Value, value, StringComparison.OrdinalIgnoreCase));
            if (choice is null)
            {
                errors.Add(field, $"{spec.Label} ({spec.Key}) must be one of {string.Join(", ", spec.Choices.Select(c => c.Value))}.");
                continue;
            }
            complete[spec.Key] = choice.Value;
        }
        foreach (var spec in profile.BackupOptions)
        {
            complete.TryAdd(spec.Key, spec.Default);
        }
        return complete;
    }

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
