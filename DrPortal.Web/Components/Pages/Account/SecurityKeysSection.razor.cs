using DrPortal.Core.Accounts;
using DrPortal.Core.Common;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Account;

/// <summary>The signed-in user's security keys and passkeys (WebAuthn): add one with the browser's prompt, list, remove.</summary>
public partial class SecurityKeysSection
{
    private readonly FormErrors _errors = new();
    private IReadOnlyList<SecurityKeySummary>? _keys;
    private string? _name;
    private bool _busy;

    [Inject]
    private ISecurityKeys Keys { get; set; } = default!;

    [Inject]
    private IJSRuntime Js { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    /// <summary>Raised when a key was added or removed (the enrolment page moves on once the user has a second factor).</summary>
    [Parameter]
    public EventCallback Changed { get; set; }

    private RelyingParty Party => SecurityKeyParty.From(new Uri(Navigation.BaseUri));

    protected override async Task LoadAsync() => _keys = await Keys.ListAsync(User.UserId()!, Aborted);

    private async Task AddAsync()
    {
        if (_busy)
        {
            return;
        }
        _errors.Clear("key");
        if (string.IsNullOrWhiteSpace(_name))
        {
            // Before the browser's prompt, so nobody touches their key for an answer that is refused.
            _errors.Set(ValidationErrors.For("name", "Key name is required, e.g. \"YubiKey on my keyring\"."));
            return;
        }
        _busy = true;
        await GuardAsync("Adding the security key", async () =>
        {
            var begun = await Keys.BeginRegistrationAsync(User.UserId()!, Party, Aborted);
            if (!begun.IsOk)
            {
                Snackbar.Add(Display.Refusal(begun), Severity.Warning);
                return;
            }
            string attestation;
            try
            {
                attestation = await Js.InvokeAsync<string>("drPortal.createCredential", Aborted, begun.Value!.OptionsJson);
            }
            catch (JSException)
            {
                // The browser's prompt was cancelled, timed out, or the key is registered already (it is excluded).
                _errors.Set(ValidationErrors.For("key",
                    "The browser added no key: the prompt was cancelled or timed out, or this key is added already."));
                return;
            }
            var result = await Keys.CompleteRegistrationAsync(User.UserId()!, begun.Value.State, attestation, _name, Party, Aborted);
            _errors.Set(result.Errors);
            if (result.IsOk)
            {
                Snackbar.Add($"Security key {result.Value!.Name} added.", Severity.Success);
                _name = null;
                _keys = await Keys.ListAsync(User.UserId()!, Aborted);
                await Changed.InvokeAsync();
            }
            else if (result.Status != ResultStatus.Invalid)
            {
                Snackbar.Add(Display.Refusal(result), Severity.Warning);
            }
        });
        _busy = false;
    }

    private async Task RemoveAsync(SecurityKeySummary key)
    {
        if (!await Dialogs.ConfirmAsync("Remove security key", $"Remove the security key \"{key.Name}\"?", "Remove",
                "It no longer signs you in. To use it again, add it again."))
        {
            return;
        }
        await GuardAsync("Removing the security key", async () =>
        {
            var result = await Keys.RemoveAsync(User.UserId()!, key.Id, Aborted);
            Snackbar.Add(result.IsOk ? $"Security key {key.Name} removed." : Display.Refusal(result), result.IsOk ? Severity.Success : Severity.Warning);
            _keys = await Keys.ListAsync(User.UserId()!, Aborted);
            await Changed.InvokeAsync();
        });
    }
}
