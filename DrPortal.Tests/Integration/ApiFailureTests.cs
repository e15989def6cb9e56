using System.Net;
using System.Net.Http.Json;
using DrPortal.Core.Accounts;
using DrPortal.Core.Audit;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Tests.Integration;

/// <summary>An unforeseen exception under /api is a 500 problem detail, for GET and PUT alike, with no exception text (finding 6).</summary>
public class ApiFailureTests(ApiFailureTests.Portal portal) : IClassFixture<ApiFailureTests.Portal>
{
    public sealed class Portal : PortalFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                var real = services.Last(d => d.ServiceType == typeof(IAuditLog));
                services.Remove(real);
                services.AddSingleton<IAuditLog>(sp => new FailingAuditLog((IAuditLog)ActivatorUtilities.CreateInstance(sp, real.ImplementationType!)));
            });
        }
    }

    private static async Task AssertBareProblemAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"traceId\"", body, StringComparison.Ordinal);
        foreach (var leak in new[] { FailingAuditLog.Secret, "Simulated", "InvalidOperationException", " at DrPortal", "<html" })
        {
            Assert.DoesNotContain(leak, body, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Get_UnforeseenException_Is500ProblemJson_WithoutExceptionText()
    {
        using var admin = await portal.CreateAdminClientAsync();

        var response = await admin.GetAsync($"/api/v1/audit?search={FailingAuditLog.Marker}");

        await AssertBareProblemAsync(response);
    }

    [Fact]
    public async Task Put_UnforeseenException_Is500ProblemJson_NotAnEmptyBody()
    {
        using var admin = await portal.CreateAdminClientAsync();
        var created = await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest($"{FailingAuditLog.Marker}-{Guid.NewGuid():N}"[..16], PortalFactory.AdminPassword, Roles.Operator));
        var user = (await created.Content.ReadFromJsonAsync<UserDto>(Json.Options))!;

        var response = await admin.PutAsJsonAsync($"/api/v1/users/{user.Id}", new { role = Roles.Viewer });

        await AssertBareProblemAsync(response);
    }
}
