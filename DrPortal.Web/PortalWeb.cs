using DrPortal.Infrastructure.Persistence;
using DrPortal.Web.Api;
using DrPortal.Web.Auth;
using DrPortal.Web.Components;
using DrPortal.Web.Operations;
using DrPortal.Web.Security;
using Hangfire;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using MudBlazor.Services;
using Scalar.AspNetCore;

namespace DrPortal.Web;

/// <summary>The web layer's services and request pipeline, kept out of Program.cs.</summary>
internal static class PortalWeb
{
    public static IServiceCollection AddPortalWeb(this IServiceCollection services)
    {
        services.AddPortalAuthentication();
        services.AddApiCsrf();
        services.AddPortalRateLimits();
        services.AddPortalTwoFactor();
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices(o => ConfigureSnackbars(o.SnackbarConfiguration));
        services.AddApiErrors();
        services.AddOpenApi(o => o.AddSchemaTransformer<EnumSchemaTransformer>().AddSchemaTransformer<KindSchemaTransformer>().AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "DrPortal API";
            // Markdown: a bare <token> is read as an HTML tag and vanishes; in a code span it is shown as typed.
            doc.Info.Description = "Disaster-recovery switch for virtual machines. Authenticate with a cookie (browser) or the header `Authorization: Bearer <token>` " +
                "with an API token made on the Account page.";
            return Task.CompletedTask;
        }));
        services.AddHttpContextAccessor();
        services.AddTrustedForwardedHeaders();
        services.AddSingleton<MetricsAccess>();
        // A malformed network or token hash stops the start with the setting's name, not the first scrape.
        services.AddOptions<Infrastructure.Metrics.MetricsOptions>().Validate(o => MetricsAccess.Parse(o) is var _).ValidateOnStart();
        return services;
    }

    /// <summary>
    /// Snackbars sit at the bottom, centred, where no page keeps its actions (those are top right, and pagers bottom
    /// right); a success goes after three seconds; none follows the user to the next page, where it would describe
    /// something they no longer look at. Refusals and errors ask to be dismissed (their callers say so).
    /// </summary>
    internal static void ConfigureSnackbars(MudBlazor.SnackbarConfiguration snackbars)
    {
        snackbars.PositionClass = MudBlazor.Defaults.Classes.Position.BottomCenter;
        snackbars.VisibleStateDuration = 3000;
        snackbars.ClearAfterNavigation = true;
        snackbars.PreventDuplicates = true;
        snackbars.NewestOnTop = true;
        snackbars.MaxDisplayedSnackbars = 3;
        snackbars.ShowCloseIcon = true;
    }

    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(app.Lifetime.ApplicationStopping);
        // The portal's SSH identity exists from the first start, so its public key can be shown at once.
        _ = app.Services.GetRequiredService<Core.Accounts.IPortalKey>().PublicKeyLine;
    }

    public static void UsePortal(this WebApplication app)
    {
        app.UseTrustedForwardedHeaders();
        app.UseSecurityHeaders();
        app.UsePortalHttpsRedirection();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }
        // Every API error is a problem detail (exceptions and bodiless answers alike); pages get the not-found page.
        app.UseApiErrors();
        app.UseWhen(ctx => !ApiErrors.IsApi(ctx.Request),
            pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));

        app.UsePortalRequestSizeLimits();
        app.UseAuthentication();
        app.UsePortalRateLimits();
        app.UseApiCsrf();
        app.UseMiddleware<FirstRun>();
        app.UseMiddleware<TwoFactorEnrolmentGate>();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseHangfireStatsOnGet();

        app.MapStaticAssets().AllowAnonymous();
        // The API description holds no data; it is public so tools can read it before they hold a token.
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/api/docs", o => o
                .WithTitle("DrPortal API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                // A DR portal runs where the internet may be gone: the bundle is served by the package itself, and
                // everything that would reach a vendor server (fonts, AI agent, MCP, telemetry, request proxy, the
                // developer toolbar with its deploy button) is off; no request proxy is set.
                .DisableDefaultFonts()
                .DisableAgent()
                .DisableMcp()
                .DisableTelemetry()
                .HideDeveloperTools())
            .AllowAnonymous();

        var api = app.MapGroup("/api/v1").RequireAuthorization(Core.Accounts.Policies.CanView).DisableAntiforgery();
        api.MapAccountsApi();
        api.MapTokensApi();
        api.MapSettingsApi();
        api.MapSessionsApi();
        api.MapApiCsrf();
        api.MapHypervisorsApi();
        api.MapPairsApi();
        api.MapPreflightApi();
        api.MapTasksApi();
        api.MapSchedulesApi();
        api.MapAuditApi();
        api.MapRecoveryApi();
        api.MapNotificationsApi();
        api.MapOperationsApi();
        api.MapHistoryApi();
        api.MapReportsApi();

        // Hangfire's own dashboard, behind the portal's login and for admins only.
        app.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [], DisplayStorageConnectionString = false, AppPath = "/" })
            .RequireAuthorization(Core.Accounts.Policies.CanAdminister);

        // A minimal API checks antiforgery only when it binds a form: sign-out checks it itself, so another site cannot sign users out.
        app.MapPost("/logout", async (HttpContext ctx, IAntiforgery antiforgery, SignInManager<PortalUser> signIn) =>
        {
            if (!await antiforgery.IsRequestValidAsync(ctx))
            {
                return TypedResults.Problem("The sign-out form's antiforgery token is missing or wrong: nobody was signed out. Use the Log out button.",
                    statusCode: StatusCodes.Status400BadRequest, title: "Bad Request");
            }
            await signIn.SignOutAsync();
            return (IResult)TypedResults.LocalRedirect("/login");
        });

        app.MapHealthEndpoints();

        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(SecurityHeaders.WithoutFrameworkPolicy);
    }
}
