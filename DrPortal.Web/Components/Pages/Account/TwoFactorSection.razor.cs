using DrPortal.Core.Accounts;
using DrPortal.Core.Common;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using QRCoder;

namespace DrPortal.Web.Components.Pages.Account;

/// <summary>The signed-in user's own two-factor sign-in: set up with a QR code, recovery codes, turn off.</summary>
public partial class TwoFactorSection
{
    private readonly FormErrors _errors = new();
    private TwoFactorStatus? _status;
    private AuthenticatorSetup? _setup;
    private string? _qrSvg;
    private IReadOnlyList<string>? _recoveryCodes;
    private string? _code;
    private string? _proof;
    private bool _turningOff;
    private bool _busy;

    [Inject]
    private ITwoFactorAccounts TwoFactor { get; set; } = default!;

    /// <summary>The user's role requires two-factor sign-in (the enrolment page): the set-up starts at once and cannot be cancelled.</summary>
    [Parameter]
    public bool Required { get; set; }

    /// <summary>Raised once two-factor sign-in is on and the user has taken their recovery codes.</summary>
    [Parameter]
    public EventCallback Enabled { get; set; }

    /// <summary>The key in groups of four, as authenticator apps show it; spaces are ignored when typed in.</summary>
    private string GroupedKey => string.Join(' ', _setup!.Key.ToLowerInvariant().Chunk(4).Select(c => new string(c)));

    private string CodesDownload => "data:text/plain;charset=utf-8," + Uri.EscapeDataString(string.Join("\n", _recoveryCodes ?? []) + "\n");

    protected override async Task LoadAsync()
    {
        _status = await TwoFactor.GetStatusAsync(User.UserId()!, Aborted);
        // Not while prerendering: the key made then would be replaced by the circuit's own at once.
        if (Required && !_status.IsEnabled && RendererInfo.IsInteractive)
        {
            await BeginAsync();
        }
    }

    private Task BeginAsync() => RunAsync("Setting up two-factor sign-in", async () =>
    {
        var result = await TwoFactor.BeginSetupAsync(User.UserId()!, Aborted);
        if (!Refused(result))
        {
            _setup = result.Value;
            _qrSvg = QrSvg(_setup!.Uri);
            _code = null;
        }
    });

    private Task EnableAsync() => RunAsync("Turning on two-factor sign-in", async () =>
    {
        var result = await TwoFactor.EnableAsync(User.UserId()!, _code, Aborted);
        _errors.Set(result.Errors);
        if (!Refused(result))
        {
            _recoveryCodes = result.Value;
            _setup = null;
            _qrSvg = null;
            _status = await TwoFactor.GetStatusAsync(User.UserId()!, Aborted);
        }
    });

    private Task RegenerateAsync() => RunAsync("Replacing the recovery codes", async () =>
    {
        var result = await TwoFactor.RegenerateRecoveryCodesAsync(User.UserId()!, Aborted);
        if (!Refused(result))
        {
            _recoveryCodes = result.Value;
        }
    });

    private Task DisableAsync() => RunAsync("Turning off two-factor sign-in", async () =>
    {
        var result = await TwoFactor.DisableAsync(User.UserId()!, _proof, Aborted);
        _errors.Set(result.Errors);
        if (!Refused(result))
        {
            _status = result.Value;
            _turningOff = false;
            _proof = null;
            Snackbar.Add("Two-factor sign-in is off.", Severity.Success);
        }
    });

    private async Task SavedCodesAsync()
    {
        _recoveryCodes = null;
        _status = await TwoFactor.GetStatusAsync(User.UserId()!, Aborted);
        await Enabled.InvokeAsync();
    }

    private async Task RunAsync(string what, Func<Task> action)
    {
        if (_busy)
        {
            return;
        }
        _busy = true;
        await GuardAsync(what, action);
        _busy = false;
    }

    /// <summary>Field errors show on their field; any other refusal as a snackbar.</summary>
    private bool Refused<T>(Result<T> result)
    {
        if (!result.IsOk && result.Status != ResultStatus.Invalid)
        {
            Snackbar.Add(Display.Refusal(result), Severity.Warning);
        }
        return !result.IsOk;
    }

    /// <summary>Drawn here as SVG markup: no image request, nothing for a content security policy to allow.</summary>
    private static string QrSvg(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(4);
    }
}
