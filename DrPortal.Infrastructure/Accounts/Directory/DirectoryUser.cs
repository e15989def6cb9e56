namespace DrPortal.Infrastructure.Accounts.Directory;

/// <summary>A user as the directory knows them: where they are, what identifies them for good, and their groups' DNs.</summary>
public sealed record DirectoryUser(string Dn, string Key, IReadOnlyList<string> Groups);
