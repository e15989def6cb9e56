using System.Security.Claims;
using DrPortal.Web.Auth;
using Microsoft.AspNetCore.Components;

namespace DrPortal.Web.Components.Pages.Account;

/// <summary>
/// Where <see cref="TwoFactorEnrolmentGate"/> keeps a user whose role requires two-factor sign-in until they set it up:
/// the QR code and code check, then the recovery codes, then on to where they were going. Anyone else passes straight on.
/// </summary>
public partial class TwoFactorEnrolmentPage
{
    private bool _loaded;
    private bool _required;
    private string? _role;

    [Inject]
    private TwoFactorEnrolment Enrolment { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [SupplyParameterFromQuery]
    private string? ReturnUrl { get; set; }

    protected override async Task LoadAsync()
    {
        _required = await Enrolment.IsRequiredAsync(User, Aborted);
        _role = User.FindFirstValue(ClaimTypes.Role);
        _loaded = true;
    }

    protected override void OnParametersSet()
    {
        // Outside LoadAsync's guard: a redirect during prerendering is an exception the framework turns into a 302.
        if (_loaded && !_required)
        {
            Continue();
        }
    }

    private void Continue() => Navigation.NavigateTo(LocalUrl.Safe(ReturnUrl), forceLoad: true);
}
