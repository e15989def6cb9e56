using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Core.Notifications;
using DrPortal.Web.Components.Pages.Notifications;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace DrPortal.Tests.Components;

public class TargetDialogTests : PortalTestContext
{
    private readonly FakeNotificationSettings _settings = new();

    public TargetDialogTests()
    {
        SignInAs(Roles.Admin, "boss");
        Services.AddSingleton<INotificationSettings>(_settings);
    }

    [Fact]
    public async Task Save_NtfyPresetWithToken_SendsPresetBodyAndHeader()
    {
        var provider = RenderProviders();
        var dialog = await ShowDialogAsync(provider, new DialogParameters<TargetDialog>());

        provider.Find("[data-test=target-name]").Change("ops ntfy");
        provider.Find("[data-test=preset-ntfy]").Click();
        provider.Find("[data-test=target-url]").Change("https://ntfy.example.org/");
        provider.WaitForAssertion(() => Assert.Single(provider.FindAll("[data-test=header-value]")));
        provider.Find("[data-test=header-value]").Change("Bearer tk_secret");
        provider.ClickWhenStable("[data-test=target-save]");

        provider.WaitForAssertion(() => Assert.True(dialog.Result.IsCompleted));
        var sent = Assert.Single(_settings.Created);
        Assert.Equal(NotificationTargetKind.Webhook, sent.Kind);
        Assert.Equal("ntfy", sent.Preset);
        Assert.Equal(WebhookPreset.Ntfy.BodyTemplate, sent.BodyTemplate);
        var header = Assert.Single(sent.Headers!);
        Assert.Equal(("Authorization", "Bearer tk_secret"), (header.Name, header.Value));
    }

    [Fact]
    public async Task Save_WebhookWithoutUrl_ShowsTheErrorOnUrlAndStaysOpen()
    {
        var provider = RenderProviders();
        var dialog = await ShowDialogAsync(provider, new DialogParameters<TargetDialog>());

        provider.Find("[data-test=target-name]").Change("hook");
        provider.ClickWhenStable("[data-test=target-save]");

        provider.WaitForAssertion(() => Assert.Contains("URL must be an absolute", Field(provider, "target-url").TextContent, StringComparison.Ordinal));
        Assert.False(dialog.Result.IsCompleted);
        Assert.Empty(_settings.Created);
    }

    [Fact]
    public async Task Edit_StoredSecrets_ShowsSetAndKeepsThemWhenLeftEmpty()
    {
        var stored = new NotificationTargetView(7, "mail", NotificationTargetKind.Email, true, "smtp.example.org:587 → ops@example.org", "smtp.example.org", 587,
            SmtpSecurity.StartTls, "drportal", true, "drportal@example.org", ["ops@example.org"], null, "POST", null, [], null);
        var provider = RenderProviders();
        await ShowDialogAsync(provider, new DialogParameters<TargetDialog> { { d => d.Target, stored } });

        Assert.Contains("set — leave empty to keep it", Field(provider, "target-smtp-password").TextContent, StringComparison.Ordinal);
        Assert.Equal("", provider.Find("[data-test=target-smtp-password]").GetAttribute("value") ?? "");
        provider.Find("[data-test=target-test]").Click();
        provider.WaitForAssertion(() => Assert.Contains("Delivered: HTTP 200 OK", provider.Find("[data-test=target-test-result]").TextContent, StringComparison.Ordinal));
        provider.ClickWhenStable("[data-test=target-save]");

        provider.WaitForAssertion(() => Assert.Single(_settings.Updated));
        Assert.Equal(7, _settings.Updated[0].Id);
        Assert.Null(_settings.Updated[0].Input.SmtpPassword);
    }
}
