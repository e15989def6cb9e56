using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DrPortal.Core.Accounts;
using DrPortal.Core.Audit;
using DrPortal.Core.Common;
using DrPortal.Infrastructure.Persistence;
using Fido2NetLib;
using Fido2NetLib.Objects;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace DrPortal.Infrastructure.Accounts;

/// <summary>
/// <see cref="ISecurityKeys"/> over the Fido2 library and the security_keys table. Fido2 checks each ceremony
/// (challenge, origin, relying party, signature); this class keeps the keys, hands the pending options to the browser
/// encrypted and time-limited instead of keeping them in memory, and applies <see cref="SecurityKeyCounter"/> once
/// more when it saves a use, as a compare-and-set, so two sign-ins racing with one cloned key cannot both pass.
/// Attestation is not asked for: the portal trusts the key its signed-in owner registers, whatever its make.
/// </summary>
internal sealed class SecurityKeys(
    IDbContextFactory<DrPortalDbContext> contexts,
    IDataProtectionProvider protection,
    IAuditLog audit,
    IClock clock,
    ILogger<SecurityKeys> logger) : ISecurityKeys
{
    public const string PortalName = "DrPortal";
    private const string UserEntity = "User";
    private static readonly TimeSpan ChallengeLifetime = TimeSpan.FromMinutes(5);

    private readonly IDataProtector _protector = protection.CreateProtector("DrPortal.SecurityKeys");

    public async Task<IReadOnlyList<SecurityKeySummary>> ListAsync(string userId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var keys = await db.SecurityKeys.Where(k => k.UserId == userId).OrderBy(k => k.Id).ToListAsync(ct);
        return keys.Select(Summary).ToList();
    }

    public async Task<bool> HasAnyAsync(string userId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.SecurityKeys.AnyAsync(k => k.UserId == userId, ct);
    }


    public async Task<Result<SecurityKeyChallenge>> BeginRegistrationAsync(string userId, RelyingParty party, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(party);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var userName = await db.Users.Where(u => u.Id == userId).Select(u => u.UserName).FirstOrDefaultAsync(ct);
        if (userName is null)
        {
            return Result<SecurityKeyChallenge>.NotFound($"User {userId} does not exist.");
        }
        var held = await db.SecurityKeys.Where(k => k.UserId == userId).Select(k => k.CredentialId).ToListAsync(ct);
        var options = Fido(party).RequestNewCredential(new RequestNewCredentialParams
        {
            User = new Fido2User { Id = Encoding.UTF8.GetBytes(userId), Name = userName, DisplayName = userName },
            ExcludeCredentials = held.Select(id => new PublicKeyCredentialDescriptor(id)).ToList(),
            AuthenticatorSelection = new AuthenticatorSelection
            {
                ResidentKey = ResidentKeyRequirement.Discouraged,
                UserVerification = UserVerificationRequirement.Preferred,
            },
            AttestationPreference = AttestationConveyancePreference.None,
        });
        var json = options.ToJson();
        return Result<SecurityKeyChallenge>.Ok(new SecurityKeyChallenge(json, Protect(Purpose.Register, userId, json)));
    }

    public async Task<Result<SecurityKeySummary>> CompleteRegistrationAsync(
        string userId, string state, string? attestationJson, string? name, RelyingParty party, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(party);
        var trimmed = name?.Trim();
        var errors = new ValidationErrors();
        if (string.IsNullOrEmpty(trimmed))
        {
            errors.Add("name", "Key name is required, e.g. \"YubiKey on my keyring\".");
        }
        else if (trimmed.Length > SecurityKey.NameMaxLength)
        {
            errors.Add("name", $"Key name must be at most {SecurityKey.NameMaxLength} characters.");
        }
        else if (TextRules.HasControlCharacters(trimmed) || TextRules.HasInvisibleFormatting(trimmed))
        {
            errors.Add("name", "Key name may not contain control characters or invisible formatting.");
        }
        if (!errors.IsEmpty)
        {
            return Result<SecurityKeySummary>.Invalid(errors);
        }
        if (Unprotect(Purpose.Register, userId, state) is not { } json)
        {
            return Result<SecurityKeySummary>.Invalid("key", "The request to the security key expired. Add the key again.");
        }
        if (Parse<AuthenticatorAttestationRawResponse>(attestationJson) is not { } attestation)
        {
            return Result<SecurityKeySummary>.Invalid("key", "The browser's answer from the security key is missing or unreadable.");
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var userName = await db.Users.Where(u => u.Id == userId).Select(u => u.UserName).FirstOrDefaultAsync(ct);
        if (userName is null)
        {
            return Result<SecurityKeySummary>.NotFound($"User {userId} does not exist.");
        }
        if (await db.SecurityKeys.AnyAsync(k => k.UserId == userId && k.Name == trimmed, ct))
        {
            return Result<SecurityKeySummary>.Invalid("name", $"You have a key named \"{trimmed}\" already.");
        }
        RegisteredPublicKeyCredential credential;
        try
        {
            credential = await Fido(party).MakeNewCredentialAsync(new MakeNewCredentialParams
            {
                AttestationResponse = attestation,
                OriginalOptions = CredentialCreateOptions.FromJson(json),
                IsCredentialIdUniqueToUserCallback = async (p, token) => !await db.SecurityKeys.AnyAsync(k => k.CredentialId == p.CredentialId, token),
            }, ct);
        }
        catch (Fido2VerificationException e)
        {
            logger.LogInformation("Security key registration of {User} refused: {Reason}", userName, e.Message);
            return Result<SecurityKeySummary>.Invalid("key", "The security key's answer did not verify. Add the key again.");
        }
        var key = new SecurityKey
        {
            UserId = userId,
            CredentialId = credential.Id,
            PublicKey = credential.PublicKey,
            SignatureCounter = credential.SignCount,
            Name = trimmed!,
            CreatedAt = clock.UtcNow,
        };
        db.SecurityKeys.Add(key);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(userName, "security-key-add", UserEntity, userName, $"{userName} added the security key \"{key.Name}\"", null, null, ct);
        return Result<SecurityKeySummary>.Ok(Summary(key));
    }

    public async Task<Result<SecurityKeySummary>> RemoveAsync(string userId, int keyId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var key = await db.SecurityKeys.FirstOrDefaultAsync(k => k.Id == keyId && k.UserId == userId, ct);
        if (key is null)
        {
            return Result<SecurityKeySummary>.NotFound($"You have no security key {keyId}.");
        }
        var userName = await db.Users.Where(u => u.Id == userId).Select(u => u.UserName).FirstAsync(ct);
        db.SecurityKeys.Remove(key);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(userName!, "security-key-remove", UserEntity, userName, $"{userName} removed the security key \"{key.Name}\"", null, null, ct);
        return Result<SecurityKeySummary>.Ok(Summary(key));
    }

    public async Task<Result<SecurityKeyChallenge>> BeginSignInAsync(string userId, RelyingParty party, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(party);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var held = await db.SecurityKeys.Where(k => k.UserId == userId).Select(k => k.CredentialId).ToListAsync(ct);
        if (held.Count == 0)
        {
            return Result<SecurityKeyChallenge>.Conflict("This account has no security key.");
        }
        var options = Fido(party).GetAssertionOptions(new GetAssertionOptionsParams
        {
            AllowedCredentials = held.Select(id => new PublicKeyCredentialDescriptor(id)).ToList(),
            UserVerification = UserVerificationRequirement.Preferred,
        });
        var json = options.ToJson();
        return Result<SecurityKeyChallenge>.Ok(new SecurityKeyChallenge(json, Protect(Purpose.SignIn, userId, json)));
    }

    public async Task<Result<SecurityKeySummary>> CompleteSignInAsync(string userId, string? state, string? assertionJson, RelyingParty party, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(party);
        if (Unprotect(Purpose.SignIn, userId, state) is not { } json)
        {
            return Result<SecurityKeySummary>.Invalid("assertion", "The request to the security key expired. Try again.");
        }
        if (Parse<AuthenticatorAssertionRawResponse>(assertionJson) is not { } assertion)
        {
            return Result<SecurityKeySummary>.Invalid("assertion", "The browser's answer from the security key is missing or unreadable.");
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var credentialId = assertion.RawId;
        var key = await db.SecurityKeys.AsNoTracking().FirstOrDefaultAsync(k => k.UserId == userId && k.CredentialId == credentialId, ct);
        if (key is null)
        {
            return Result<SecurityKeySummary>.Invalid("assertion", "This security key is not registered for this account.");
        }
        VerifyAssertionResult verified;
        try
        {
            verified = await Fido(party).MakeAssertionAsync(new MakeAssertionParams
            {
                AssertionResponse = assertion,
                OriginalOptions = AssertionOptions.FromJson(json),
                StoredPublicKey = key.PublicKey,
                StoredSignatureCounter = key.SignatureCounter,
                IsUserHandleOwnerOfCredentialIdCallback = (p, _) =>
                    Task.FromResult(p.UserHandle.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(userId)) && p.CredentialId.AsSpan().SequenceEqual(key.CredentialId)),
            }, ct);
        }
        catch (Fido2VerificationException e)
        {
            logger.LogInformation("Security key sign-in of user {UserId} with key {KeyId} refused: {Reason}", userId, key.Id, e.Message);
            return Result<SecurityKeySummary>.Invalid("assertion", "The security key's answer did not verify.");
        }
        return await RecordUseAsync(key.Id, key.SignatureCounter, verified.SignCount, ct) is { } used
            ? Result<SecurityKeySummary>.Ok(used)
            : Result<SecurityKeySummary>.Invalid("assertion", "The security key's signature counter did not move forward: the key may have been copied.");
    }

    /// <summary>
    /// Saves one use of a key whose counter was <paramref name="stored"/> when it was checked: refused (null, nothing
    /// changed) when <paramref name="presented"/> breaks <see cref="SecurityKeyCounter"/> or another use was saved meanwhile.
    /// </summary>
    internal async Task<SecurityKeySummary?> RecordUseAsync(int keyId, uint stored, uint presented, CancellationToken ct)
    {
        if (!SecurityKeyCounter.IsAcceptable(stored, presented))
        {
            logger.LogWarning("Security key {KeyId} presented signature counter {Presented} after {Stored}: refused as a possible clone", keyId, presented, stored);
            return null;
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.UtcNow;
        var saved = await db.SecurityKeys
            .Where(k => k.Id == keyId && k.SignatureCounter == stored)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.SignatureCounter, presented).SetProperty(k => k.LastUsedAt, now), ct);
        if (saved == 0)
        {
            return null;
        }
        return Summary(await db.SecurityKeys.AsNoTracking().FirstAsync(k => k.Id == keyId, ct));
    }

    private enum Purpose
    {
        Register,
        SignIn,
    }

    private string Protect(Purpose purpose, string userId, string json) =>
        Protector(purpose, userId).Protect(json, ChallengeLifetime);

    private string? Unprotect(Purpose purpose, string userId, string? state)
    {
        if (string.IsNullOrEmpty(state))
        {
            return null;
        }
        try
        {
            return Protector(purpose, userId).Unprotect(state);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Bound to the ceremony and the user: a state handed out for one cannot complete the other, or another user's.</summary>
    private ITimeLimitedDataProtector Protector(Purpose purpose, string userId) =>
        _protector.CreateProtector(purpose.ToString(), userId).ToTimeLimitedDataProtector();

    private static T? Parse<T>(string? json) where T : class
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<T>(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Fido2 Fido(RelyingParty party) => new(new Fido2Configuration
    {
        RPID = party.Id,
        RPName = PortalName,
        Origins = new HashSet<string>(StringComparer.Ordinal) { party.Origin },
    });

    private static SecurityKeySummary Summary(SecurityKey k) => new(k.Id, k.Name, k.CreatedAt, k.LastUsedAt);
}
