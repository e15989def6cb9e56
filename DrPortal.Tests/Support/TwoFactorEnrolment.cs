using DrPortal.Core.Accounts;
using DrPortal.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace DrPortal.Tests.Support;

/// <summary>Turns two-factor on for a user through the portal's real service, with codes computed as an authenticator app does.</summary>
internal static class TwoFactorEnrolment
{
    public static async Task<string> UserIdAsync(IServiceProvider services, string userName)
    {
        await using var scope = services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByNameAsync(userName))!.Id;
    }

    /// <summary>Returns the authenticator key and the ten recovery codes.</summary>
    public static async Task<(string Key, IReadOnlyList<string> RecoveryCodes)> EnrolAsync(IServiceProvider services, string userName)
    {
        var twoFactor = services.GetRequiredService<ITwoFactorAccounts>();
        var id = await UserIdAsync(services, userName);
        var setup = (await twoFactor.BeginSetupAsync(id, CancellationToken.None)).Value!;
        var enabled = await twoFactor.EnableAsync(id, CurrentCode(setup.Key), CancellationToken.None);
        Assert.True(enabled.IsOk, enabled.Message);
        return (setup.Key, enabled.Value!);
    }

    /// <summary>The code an authenticator app shows now for the key (RFC 6238: SHA-1, 6 digits, 30 s).</summary>
    public static string CurrentCode(string key) => new Totp(Base32Encoding.ToBytes(key.Replace(" ", "", StringComparison.Ordinal))).ComputeTotp();

    /// <summary>A six-digit code that is not valid now, nor in the window Identity accepts either side of now.</summary>
    public static string WrongCode(string key)
    {
        var totp = new Totp(Base32Encoding.ToBytes(key.Replace(" ", "", StringComparison.Ordinal)));
        var valid = new[] { -60, -30, 0, 30, 60 }.Select(s => totp.ComputeTotp(DateTime.UtcNow.AddSeconds(s))).ToHashSet();
        return Enumerable.Range(0, 20).Select(i => $"{i * 111_111 % 1_000_000:D6}").First(c => !valid.Contains(c));
    }
}
