using System.Text;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace DrPortal.Web.Api;

/// <summary>
/// Writes into the OpenAPI document what each hypervisor kind makes of the fields whose meaning depends on the host:
/// what a VM reference looks like, which backup options there are with their values and defaults, and the staging
/// and restore-storage defaults. The text is drawn from the registered profiles, so a new kind documents itself and
/// the document never disagrees with validation.
/// </summary>
internal sealed class KindSchemaTransformer(HypervisorProfiles profiles) : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is { } property && DescriptionOf(property.DeclaringType, property.Name) is { } description)
            schema.Description = description;
        else if (context.JsonTypeInfo.Type == typeof(HypervisorKind))
            schema.Description = "The hypervisor kind: " + string.Join("; ", profiles.All.Select(p => $"`{p.Kind}` ({p.DisplayName})")) +
                ". GET /api/v1/hypervisor-kinds tells each kind's VM references, backup options and capabilities.";
        return Task.CompletedTask;
    }

    private string? DescriptionOf(Type owner, string jsonName) => (owner.Name, jsonName) switch
    {
        (nameof(VmPairInput) or nameof(VmPairDto), "sourceVm") =>
            "The VM on the source host, in that host's kind's terms. " + PerKind(p => $"{p.VmRefLabel}: {p.VmRefHelp}"),
        (nameof(VmPairInput) or nameof(VmPairDto), "targetVm") =>
            "What the replica is called on the recovery host (same kind as the source). " + PerKind(p => $"{p.VmRefLabel}: {p.VmRefHelp}"),
        (nameof(VmPairInput), "backupOptions") =>
            "The source kind's backup options as key → value; omitted keys take their default, unknown keys or values are refused (400 on backupOptions). " +
            PerKind(OptionsOf),
        (nameof(VmPairDto), "backupOptions") => "Every backup option of the pair's kind with its value. " + PerKind(OptionsOf),
        (nameof(HypervisorInput), "stagingDirectory") =>
            "Absolute directory on the host for the portal's backup and restore files; empty takes the kind's default. " +
            PerKind(p => $"default `{p.DefaultStagingDirectory}`"),
        (nameof(HypervisorInput), "restoreStorage") => "Optional. " + PerKind(p => p.RestoreStorageHelp),
        _ => null,
    };

    private string PerKind(Func<IHypervisorProfile, string> describe) =>
        string.Join(" ", profiles.All.Select(p => $"**{p.DisplayName}** (`{p.Kind}`): {describe(p)}"));

    private static string OptionsOf(IHypervisorProfile profile)
    {
        if (profile.BackupOptions.Count == 0)
            return "none.";
        var text = new StringBuilder();
        foreach (var option in profile.BackupOptions)
            text.Append('`').Append(option.Key).Append("` (").Append(option.Label).Append(") one of ")
                .AppendJoin(", ", option.Choices.Select(c => $"`{c.Value}`")).Append(", default `").Append(option.Default).Append("`; ");
        return text.ToString().TrimEnd(' ', ';') + ".";
    }
}
