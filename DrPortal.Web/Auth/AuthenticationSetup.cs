using DrPortal.Core.Accounts;
using DrPortal.Infrastructure.Accounts.Directory;
using DrPortal.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;

namespace DrPortal.Web.Auth;

internal static class AuthenticationSetup
{
    private const string PortalScheme = "Portal";

    public static IServiceCollection AddPortalAuthentication(this IServiceCollection services)
    {
        services.AddIdentityCore<PortalUser>(o =>
            {
                // Length over composition rules (NIST SP 800-63B).
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                // No lockout: it let five anonymous requests lock any account; SignInThrottle slows guessing instead.
                o.Lockout.AllowedForNewUsers = false;
                o.User.RequireUniqueEmail = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<DrPortalDbContext>()
            .AddSignInManager<PortalSignInManager>()
            .AddDirectorySignIn()
            .AddDefaultTokenProviders();
        services.AddSingleton<Infrastructure.Accounts.SignInThrottle>();
        services.AddSingleton<Infrastructure.Accounts.DummyPasswordHash>();
        services.AddScoped<Infrastructure.Accounts.PasswordCheck>();
        services.AddScoped<IPasswordValidator<PortalUser>, Infrastructure.Accounts.WeakPasswordValidator>();
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = PortalScheme;
                o.DefaultChallengeScheme = PortalScheme;
            })
            // Browsers carry the Identity cookie; automation sends "Authorization: Bearer <token>".
            .AddPolicyScheme(PortalScheme, "Cookie or API token", o => o.ForwardDefaultSelector = ctx =>
                ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiTokenAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies(cookies => cookies.ApplicationCookie!.Configure(o =>
            {
                o.LoginPath = "/login";
                o.AccessDeniedPath = "/access-denied";
                o.Cookie.Name = "drportal";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                // Secure whenever the request is HTTPS (also behind a trusted TLS proxy); PortalTls makes it Always when the portal serves HTTPS.
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                // The session policy decides how long a sign-in lasts (UserSessionStore checks idle and absolute limits on every
                // request); the cookie only carries the session key and, when remembered, lives until the absolute end.
                o.SlidingExpiration = false;
                o.Events.OnSigningIn = async ctx =>
                {
                    var policy = await ctx.HttpContext.RequestServices.GetRequiredService<ISecurityPolicyStore>().GetAsync(ctx.HttpContext.RequestAborted);
                    ctx.Properties.ExpiresUtc = (ctx.Properties.IssuedUtc ?? DateTimeOffset.UtcNow) + policy.SessionAbsoluteLifetime;
                };
                // The API answers 401/403 instead of redirecting to the login page.
                o.Events.OnRedirectToLogin = ctx => ApiAware(ctx, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = ctx => ApiAware(ctx, StatusCodes.Status403Forbidden);
            }));

        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<ITicketStore>((o, sessions) => o.SessionStore = sessions);
        services.AddScoped<CircuitHandler, SessionActivity>();

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.CanView, p => p.RequireRole(Roles.Admin, Roles.Operator, Roles.Viewer))
            .AddPolicy(Policies.CanOperate, p => p.RequireRole(Roles.Admin, Roles.Operator))
            .AddPolicy(Policies.CanAdminister, p => p.RequireRole(Roles.Admin))
            // Everything requires a signed-in user unless it says [AllowAnonymous].
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        services.AddCascadingAuthenticationState();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, RevalidatingAuthenticationStateProvider>();
        return services;
    }

    private static Task ApiAware(RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api") || ctx.Request.Path.StartsWithSegments("/openapi"))
        {
            ctx.Response.StatusCode = status;
        }
        else
        {
            ctx.Response.Redirect(ctx.RedirectUri);
        }
        return Task.CompletedTask;
    }
}
