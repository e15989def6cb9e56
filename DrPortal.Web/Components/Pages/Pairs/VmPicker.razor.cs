using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using Microsoft.AspNetCore.Components;

namespace DrPortal.Web.Components.Pages.Pairs;

public partial class VmPicker
{
    [Inject]
    private IHostConnections Connections { get; set; } = default!;

    [Inject]
    private HypervisorProfiles Profiles { get; set; } = default!;

    private readonly Dictionary<int, Result<IReadOnlyList<VmInfo>>> _cache = [];
    private IReadOnlyList<VmInfo> _vms = [];
    private string? _listFailure;
    private bool _listing;
    private int? _listedHostId;

    [Parameter]
    public Hypervisor? Host { get; set; }

    [Parameter]
    public string? Text { get; set; }

    [Parameter]
    public EventCallback<string?> TextChanged { get; set; }

    [Parameter, EditorRequired]
    public string Label { get; set; } = "VM";

    [Parameter]
    public VmPickerPurpose Purpose { get; set; }

    [Parameter]
    public string? ErrorText { get; set; }

    [Parameter]
    public string? DataTest { get; set; }

    private IHypervisorProfile? Profile => Host is null ? null : Profiles.Find(Host.Kind);

    /// <summary>"VM", "domain": the kind's word for a VM.</summary>
    private string Noun => Profile?.VmNoun ?? "VM";

    private string Nouns => Noun + "s";

    /// <summary>
    /// What is typed, in a sentence: "VMID"; a kind whose reference is the VM's own name ("Domain", "domain") says
    /// "domain name" rather than "type the Domain".
    /// </summary>
    private string RefLabel
    {
        get
        {
            if (Profile is not { } profile)
            {
                return "reference";
            }
            return string.Equals(profile.VmRefLabel, profile.VmNoun, StringComparison.OrdinalIgnoreCase) ? $"{profile.VmNoun} name" : profile.VmRefLabel;
        }
    }

    private string Hint
    {
        get
        {
            if (Host is null)
            {
                return "Choose the host first.";
            }
            if (_listing)
            {
                return $"Listing the {Nouns} on {Host.Name}…";
            }
            if (_listFailure is not null)
            {
                return $"Could not list the {Nouns} on {Host.Name} ({_listFailure}). Type the {RefLabel}.";
            }
            if (Text is { Length: > 0 } && Describe(Text) is { } vm)
            {
                return Purpose == VmPickerPurpose.Target
                    ? $"{Capitalised(Noun)} {vm.Ref} exists on {Host.Name}; it is replaced only if the pair allows it."
                    : $"{vm.Name}, {vm.Status.ToString().ToLowerInvariant()}.";
            }
            return Purpose == VmPickerPurpose.Target
                ? $"A new {RefLabel} gets a new {Noun}; existing {Nouns} are listed. {Profile?.VmRefHelp}"
                : $"{_vms.Count} {Noun}(s) on {Host.Name}; pick one or type a {RefLabel}.";
        }
    }

    private static string Capitalised(string word) => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..];

    protected override async Task OnParametersSetAsync()
    {
        if (Host?.Id == _listedHostId)
        {
            return;
        }
        _listedHostId = Host?.Id;
        _vms = [];
        _listFailure = null;
        if (Host is null)
        {
            return;
        }
        if (!_cache.TryGetValue(Host.Id, out var result))
        {
            _listing = true;
            try
            {
                result = await Connections.ListVmsAsync(Host.Id, Aborted);
                _cache[Host.Id] = result;
            }
            catch (OperationCanceledException)
            {
                // The dialog closed while listing.
                return;
            }
            catch (Exception ex)
            {
                // Discovery is a convenience: any failure leaves the field usable by typing.
                result = Result<IReadOnlyList<VmInfo>>.Conflict(ex.Message);
            }
            finally
            {
                _listing = false;
            }
        }
        if (_listedHostId != Host.Id)
        {
            return;
        }
        _vms = result.Value ?? [];
        _listFailure = result.IsOk ? null : result.Message;
    }

    private Task<IEnumerable<string>> SearchAsync(string? typed, CancellationToken ct)
    {
        var term = typed?.Trim() ?? "";
        IEnumerable<string> matches = _vms
            .Where(v => term.Length == 0
                || v.Ref.Value.StartsWith(term, StringComparison.Ordinal)
                || v.Name.Contains(term, StringComparison.OrdinalIgnoreCase))
            .OrderBy(v => v.Ref.Value.Length).ThenBy(v => v.Ref.Value, StringComparer.Ordinal)
            .Select(v => v.Ref.Value)
            .ToList();
        return Task.FromResult(matches);
    }

    private VmInfo? Describe(string vmid) =>
        _vms.FirstOrDefault(v => v.Ref.Value == vmid.Trim());

    private Task OnTextChanged(string? value)
    {
        Text = value;
        return TextChanged.InvokeAsync(value);
    }
}
