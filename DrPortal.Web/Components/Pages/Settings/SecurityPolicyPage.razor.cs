using DrPortal.Core.Accounts;
using DrPortal.Core.Common;
using DrPortal.Web.Api;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace DrPortal.Web.Components.Pages.Settings;

public partial class SecurityPolicyPage
{
    private readonly FormErrors _errors = new();
    private readonly HashSet<string> _twoFactorRoles = new(StringComparer.Ordinal);
    private int? _tokenDefaultDays;
    private int? _tokenMaximumDays;
    private int? _idleMinutes;
    private int? _absoluteHours;
    private bool _loaded;
    private bool _saving;
    private bool _saved;

    [Inject]
    private ISecurityPolicyStore Store { get; set; } = default!;

    protected override async Task LoadAsync()
    {
        Show(SecurityPolicyDto.From(await Store.GetAsync(Aborted)));
        _loaded = true;
    }

    private void Show(SecurityPolicyDto policy)
    {
        _tokenDefaultDays = policy.TokenDefaultLifetimeDays;
        _tokenMaximumDays = policy.TokenMaximumLifetimeDays;
        _idleMinutes = policy.SessionIdleTimeoutMinutes;
        _absoluteHours = policy.SessionAbsoluteLifetimeHours;
        _twoFactorRoles.Clear();
        _twoFactorRoles.UnionWith(policy.TwoFactorRequiredRoles ?? []);
    }

    private void ToggleRole(string role, bool on)
    {
        _saved = false;
        _errors.Clear("twoFactorRequiredRoles");
        if (on)
        {
            _twoFactorRoles.Add(role);
        }
        else
        {
            _twoFactorRoles.Remove(role);
        }
    }

    private async Task SaveAsync()
    {
        if (_saving)
        {
            return;
        }
        _saving = true;
        _saved = false;
        await GuardAsync("Saving the security policy", async () =>
        {
            // The same conversion and rules as PUT /api/v1/settings/security, so the page and the API name the same fields.
            var input = new SecurityPolicyDto(_tokenDefaultDays, _tokenMaximumDays, [.. Roles.All.Where(_twoFactorRoles.Contains)], _idleMinutes, _absoluteHours);
            var policy = input.ToPolicy();
            _errors.Set(policy.Errors);
            if (!policy.IsOk)
            {
                return;
            }
            try
            {
                await Store.SaveAsync(policy.Value!, User.ActorName(), Aborted);
            }
            catch (InvalidInputException ex)
            {
                _errors.Set(SecurityPolicyDto.ToFieldNames(ex.Errors));
                return;
            }
            Show(SecurityPolicyDto.From(await Store.GetAsync(Aborted)));
            _saved = true;
            Snackbar.Add("Security policy saved.", MudBlazor.Severity.Success);
        });
        _saving = false;
    }
}
