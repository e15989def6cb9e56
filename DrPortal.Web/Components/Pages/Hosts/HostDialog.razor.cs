using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Hosts;

public partial class HostDialog
{
    [Inject]
    private IHypervisorStore Store { get; set; } = default!;

    [Inject]
    private HypervisorProfiles Profiles { get; set; } = default!;

    private static readonly string[] Fields =
    [
        nameof(HypervisorInput.Name), nameof(HypervisorInput.Address), nameof(HypervisorInput.SshPort), nameof(HypervisorInput.Kind),
        nameof(HypervisorInput.Site), nameof(HypervisorInput.SshUser), nameof(HypervisorInput.StagingDirectory),
        nameof(HypervisorInput.RestoreStorage), nameof(HypervisorInput.BandwidthLimitKiBps), nameof(HypervisorInput.Note),
    ];

    private readonly FormErrors _errors = new();
    private HypervisorInput _input = new();
    private string? _failure;
    private bool _saving;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    /// <summary>The host to edit; null adds a new one.</summary>
    [Parameter]
    public Hypervisor? Host { get; set; }

    private bool KeyWillBeForgotten =>
        Host?.HostKeyFingerprint is not null
        && (!string.Equals(_input.Address?.Trim(), Host.Address, StringComparison.OrdinalIgnoreCase) || _input.SshPort != Host.SshPort);

    private string BandwidthHint => _input.BandwidthLimitKiBps is { } limit and > 0
        ? $"Archive transfers to and from this host stay under {Display.Bytes(limit * 1024L)}/s"
        : "Empty for no limit on archive transfers";

    /// <summary>The chosen kind's profile; null only for a kind no longer registered (the store then names the field).</summary>
    private IHypervisorProfile? Profile => Profiles.Find(_input.Kind);

    private string SshUserHelp => $"The account the portal logs in as on this {Profiles.NameOf(_input.Kind)} host; usually root";

    private string StagingHelp => Profile is { } profile
        ? $"Where {profile.DisplayName} backups are written and restore points received; {profile.DefaultStagingDirectory} by default"
        : "Where backups are written and restore points received";

    protected override Task LoadAsync()
    {
        _input = Host is null ? new HypervisorInput() : HypervisorInput.From(Host);
        if (Host is null)
        {
            // Shown, not left empty: the admin sees where files will go and may change it.
            _input.StagingDirectory = Profile?.DefaultStagingDirectory;
        }
        return Task.CompletedTask;
    }

    /// <summary>A new host's untouched staging default follows the kind; a directory the user typed, or a saved host's, stays.</summary>
    private void KindChanged(HypervisorKind kind)
    {
        var before = Profile;
        _input.Kind = kind;
        _errors.Clear(nameof(HypervisorInput.Kind));
        _errors.Clear(nameof(HypervisorInput.RestoreStorage));
        var untouched = string.IsNullOrWhiteSpace(_input.StagingDirectory) || _input.StagingDirectory.Trim() == before?.DefaultStagingDirectory;
        if (Host is null && untouched)
        {
            _input.StagingDirectory = Profile?.DefaultStagingDirectory;
            _errors.Clear(nameof(HypervisorInput.StagingDirectory));
        }
    }

    private async Task SaveAsync()
    {
        if (_saving)
        {
            return;
        }
        if (!User.CanAdminister())
        {
            _failure = "Only administrators can change hosts.";
            return;
        }
        _saving = true;
        _failure = null;
        _failure = await SaveFormAsync("Saving the host", Dialog, _errors, async () => Host is null
                ? await Store.CreateAsync(_input, User.ActorName(), Aborted)
                : await Store.UpdateAsync(Host.Id, _input, User.ActorName(), Aborted));
        _saving = false;
    }
}
