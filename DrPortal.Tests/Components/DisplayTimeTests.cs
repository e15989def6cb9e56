using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Web.Components.Pages.Users;
using DrPortal.Web.Components.Shared;

namespace DrPortal.Tests.Components;

public class DisplayTimeTests : PortalTestContext
{
    [Fact]
    public void Moment_EarlierToday_StillShowsTheIsoDate()
    {
        var now = DateTimeOffset.UtcNow;

        var shown = Display.Moment(now.AddMinutes(-5), now);

        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$", shown);
    }

    [Fact]
    public void Full_BerlinInWinter_SaysTheOffsetAndTheZone()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

        var shown = DisplayTime.Full(new DateTimeOffset(2026, 12, 2, 23, 30, 5, TimeSpan.Zero), berlin);

        Assert.Equal("2026-12-03 00:30:05 UTC+01:00 (Europe/Berlin)", shown);
    }

    [Fact]
    public void UsersPage_UserInBerlin_ShowsCreatedInTheirZoneWithTheDate()
    {
        SignInAs(Roles.Admin);
        Accounts.Users.Add(new UserSummary("u1", "night-owl", Roles.Operator, false, false, new DateTimeOffset(2026, 12, 2, 23, 30, 0, TimeSpan.Zero)));
        RenderProviders();

        var page = Render<UsersPage>(p => p.AddCascadingValue(UserTimeZone.FromId("Europe/Berlin")));

        page.WaitForAssertion(() => Assert.Equal("2026-12-03 00:30", page.Find("[data-test=user-row-created]").TextContent.Trim()));
    }
}
