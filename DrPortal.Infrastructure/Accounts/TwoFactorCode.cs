namespace DrPortal.Infrastructure.Accounts;

public static class TwoFactorCode
{
    /// <summary>A code as people type it ("123 456", "123-456" from apps that group the digits), reduced to its characters.</summary>
    public static string Normalize(string? code) =>
        new((code ?? "").Where(c => !char.IsWhiteSpace(c) && c != '-').ToArray());
}
