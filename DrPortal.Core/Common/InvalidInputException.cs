namespace DrPortal.Core.Common;

/// <summary>Input refused before anything changed, with a message per field (for stores whose interface returns no <see cref="Result{T}"/>).</summary>
public sealed class InvalidInputException(ValidationErrors errors) : Exception(errors?.ToString())
{
    public ValidationErrors Errors { get; } = errors ?? throw new ArgumentNullException(nameof(errors));
}
