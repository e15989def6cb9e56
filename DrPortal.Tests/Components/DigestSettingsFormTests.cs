using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Core.Notifications;
using DrPortal.Web.Components.Pages.Notifications;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace DrPortal.Tests.Components;

public class DigestSettingsFormTests : PortalTestContext
{
    private static readonly IReadOnlyList<NotificationTargetView> Targets =
    [
        new NotificationTargetView(3, "ops mail", NotificationTargetKind.Email, true, "smtp.example.org:587 → ops@example.org", "smtp.example.org", 587,
            SmtpSecurity.StartTls, null, false, "drportal@example.org", ["ops@example.org"], null, "POST", null, [], null),
    ];

    private readonly FakeReadinessDigestSettings _digest = new(3);

    public DigestSettingsFormTests()
    {
        SignInAs(Roles.Admin, "boss");
        Services.AddSingleton<IReadinessDigestSettings>(_digest);
    }

    private IRenderedComponent<DigestSettingsForm> RenderForm()
    {
        RenderProviders();
        return Render<DigestSettingsForm>(p => p.Add(f => f.Targets, Targets));
    }

    [Fact]
    public async Task Save_EnabledWithoutTarget_ShowsTheErrorOnTargetsAndStoresNothing()
    {
        var form = RenderForm();

        await form.InvokeAsync(() => form.FindComponent<MudSwitch<bool>>().Instance.ValueChanged.InvokeAsync(true));
        form.ClickWhenStable("[data-test=digest-save]");

        form.WaitForAssertion(() => Assert.Contains("Choose at least one target", Field(form, "digest-targets").TextContent, StringComparison.Ordinal));
        Assert.Empty(_digest.Saved);
    }

    [Fact]
    public void Save_TimeNotHhMm_ShowsTheErrorOnTimeAndStoresNothing()
    {
        var form = RenderForm();

        form.Find("[data-test=digest-time]").Change("25:00");
        form.ClickWhenStable("[data-test=digest-save]");

        form.WaitForAssertion(() => Assert.Contains("Time must be HH:mm", Field(form, "digest-time").TextContent, StringComparison.Ordinal));
        Assert.Empty(_digest.Saved);
    }

    [Fact]
    public async Task Save_DayTimeAndTarget_SendsThemAndShowsTheSchedule()
    {
        var form = RenderForm();

        await form.InvokeAsync(() => form.FindComponent<MudSwitch<bool>>().Instance.ValueChanged.InvokeAsync(true));
        await form.InvokeAsync(() => form.FindComponent<MudSelect<DayOfWeek>>().Instance.ValueChanged.InvokeAsync(DayOfWeek.Friday));
        await form.InvokeAsync(() => form.FindComponent<MudSelect<int>>().Instance.SelectedValuesChanged.InvokeAsync(new[] { 3 }));
        form.Find("[data-test=digest-time]").Change("06:30");
        form.ClickWhenStable("[data-test=digest-save]");

        form.WaitForAssertion(() => Assert.Single(_digest.Saved));
        var saved = _digest.Saved[0];
        Assert.Equal((true, DayOfWeek.Friday, "06:30"), (saved.Enabled, saved.Day, saved.Time));
        Assert.Equal([3], saved.TargetIds!);
        form.WaitForAssertion(() => Assert.Equal("Sent Fridays at 06:30 UTC", form.Find("[data-test=digest-state]").TextContent));
    }

    [Fact]
    public void SendNow_Click_AsksTheServiceOnce()
    {
        var form = RenderForm();

        form.ClickWhenStable("[data-test=digest-send]");

        form.WaitForAssertion(() => Assert.Equal(1, _digest.SendNowCalls));
        Assert.Empty(_digest.Saved);
    }
}
