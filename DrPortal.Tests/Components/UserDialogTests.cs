using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Web.Components.Pages.Users;
using MudBlazor;

namespace DrPortal.Tests.Components;

public class UserDialogTests : PortalTestContext
{
    public UserDialogTests() => SignInAs(Roles.Admin, "boss");

    [Fact]
    public async Task Edit_StoreRefusesLastAdmin_ShowsWhyOnRoleAndStaysOpen()
    {
        var self = new UserSummary("boss-id", "boss", Roles.Admin, false, false, DateTimeOffset.UtcNow);
        Accounts.Users.Add(self);
        var provider = RenderProviders();
        var dialog = await ShowDialogAsync(provider, new DialogParameters<UserEditDialog> { { d => d.Target, self } });

        provider.Find("[data-test=user-edit-disabled]").Change(true);
        provider.ClickWhenStable("[data-test=user-edit-save]");

        provider.WaitForAssertion(() => Assert.Contains("last enabled administrator", Field(provider, "user-edit-role").TextContent));
        Assert.False(dialog.Result.IsCompleted);
    }
}
