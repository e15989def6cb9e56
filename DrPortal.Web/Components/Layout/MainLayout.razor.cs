using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using MudBlazor;

namespace DrPortal.Web.Components.Layout;

public partial class MainLayout
{
    private MudThemeProvider? _themeProvider;
    private bool _drawer = true;
    private bool _dark;
    private bool _interactive;
    private UserTimeZone _zone = UserTimeZone.Utc;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private TwoFactorEnrolment Enrolment { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>
    /// A user who must still enrol two-factor sign-in is sent back to the enrolment page when a page of the portal opens
    /// inside their circuit (the back button, a typed link): requests outside the circuit are stopped by
    /// <see cref="TwoFactorEnrolmentGate"/>, which also covers the prerendering of this layout.
    /// </summary>
    protected override async Task OnInitializedAsync()
    {
        if (!RendererInfo.IsInteractive || AuthenticationState is null)
        {
            return;
        }
        if (await Enrolment.IsRequiredAsync((await AuthenticationState).User, CancellationToken.None))
        {
            Navigation.NavigateTo(TwoFactorEnrolment.Address("/" + Navigation.ToBaseRelativePath(Navigation.Uri)), forceLoad: true);
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }
        _interactive = true;
        try
        {
            // The user's last choice wins; without one, follow the operating system.
            var stored = await JS.InvokeAsync<string?>("drPortal.getTheme");
            _dark = stored is null && _themeProvider is not null
                ? await _themeProvider.GetSystemDarkModeAsync()
                : stored == "dark";
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException)
        {
            // No preference available: stay light.
        }
        try
        {
            _zone = UserTimeZone.FromId(await JS.InvokeAsync<string?>("drPortal.timeZone"));
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException)
        {
            // Times stay in UTC, which they say.
        }
        StateHasChanged();
    }

    private async Task ToggleThemeAsync()
    {
        _dark = !_dark;
        try
        {
            await JS.InvokeVoidAsync("drPortal.setTheme", _dark ? "dark" : "light");
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException)
        {
            // The toggle still works for this page; it just is not remembered.
        }
    }
}
