namespace DrPortal.Core.Accounts;

/// <summary>
/// Passwords trivially guessed despite their length: one repeated character, the user's own name, or a
/// password from the lists attackers try first. Length (12) is Identity's rule; this is the rest.
/// </summary>
public static class PasswordRules
{
    private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "password1234", "password12345", "password123456", "123456789012", "1234567890123", "12345678901234",
        "qwertyuiopas", "qwertyuiop123", "qwerty123456", "passwordpassword", "letmeinletmein", "administrator",
        "administrator1", "iloveyou1234", "welcome12345", "changeme1234", "abcdefghijkl", "abc123456789",
        "000000000000", "111111111111", "adminadminadmin", "p@ssw0rd1234", "trustno1trustno1",
    };

    /// <summary>Why the password is too weak, or null when it is not trivially weak.</summary>
    public static string? Weakness(string password, string? userName)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length > 0 && password.All(c => c == password[0]))
        {
            return "Password must not be one character repeated.";
        }
        if (!string.IsNullOrEmpty(userName) && password.Contains(userName, StringComparison.OrdinalIgnoreCase)
            && password.Length - userName.Length < 8)
        {
            return "Password must not be the user name or built on it.";
        }
        if (Common.Contains(password))
        {
            return "Password is on the list of common passwords; choose another.";
        }
        return null;
    }
}
