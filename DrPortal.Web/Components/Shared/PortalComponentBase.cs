using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Routing;
using MudBlazor;

namespace DrPortal.Web.Components.Shared;

/// <summary>
/// Base of the portal's pages and dialogs: the signed-in user, a token that ends with the component,
/// and a guard that turns a failing call into a message instead of a broken circuit.
/// </summary>
public abstract class PortalComponentBase : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _lifetime = new();
    private bool _disposed;

    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    [Inject]
    protected ISnackbar Snackbar { get; set; } = default!;

    /// <summary>Cascaded by the layout once the browser has told it; UTC before.</summary>
    [CascadingParameter]
    private UserTimeZone? UserTimeZone { get; set; }

    /// <summary>The zone times are shown in (see <see cref="DisplayTime"/>).</summary>
    protected TimeZoneInfo Zone => (UserTimeZone ?? Shared.UserTimeZone.Utc).Zone;

    [Inject]
    private ILoggerFactory LoggerFactory { get; set; } = default!;

    /// <summary>The signed-in user (anonymous until initialised).</summary>
    protected ClaimsPrincipal User { get; private set; } = new(new ClaimsIdentity());

    /// <summary>Cancelled when the component goes away (page left, circuit closed).</summary>
    protected CancellationToken Aborted => _lifetime.Token;

    /// <summary>Cascaded while the server renders a request (static or prerendering); null in a live circuit.</summary>
    [CascadingParameter]
    private HttpContext? HttpContext { get; set; }

    /// <summary>
    /// The server's first HTML of a page the circuit renders again as soon as it is up: loading its data here would read
    /// everything twice on every first open (the circuit's fresh component loads it again).
    /// </summary>
    protected bool Prerendering => HttpContext is { } http && http.AcceptsInteractiveRouting() && !RendererInfo.IsInteractive;

    protected sealed override async Task OnInitializedAsync()
    {
        if (AuthenticationState is not null)
        {
            User = (await AuthenticationState).User;
        }
        if (Prerendering)
        {
            // The prerendered page shows its frame and loading state; the data comes once, with the circuit.
            return;
        }
        await GuardAsync("Loading", LoadAsync);
    }

    /// <summary>Loads what the component shows; runs once, after <see cref="User"/> is known (not while prerendering).</summary>
    protected virtual Task LoadAsync() => Task.CompletedTask;

    /// <summary>
    /// Runs an action; an unexpected exception is logged and shown as an error snackbar. Returns whether it completed.
    /// </summary>
    protected async Task<bool> GuardAsync(string what, Func<Task> action)
    {
        try
        {
            await action();
            return true;
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            // The user left; nobody is waiting for the answer.
            return false;
        }
        catch (Exception ex)
        {
            LoggerFactory.CreateLogger(GetType()).LogError(ex, "{What} failed in {Component}", what, GetType().Name);
            Snackbar.Add($"{what} failed: {ex.Message}", Severity.Error, o => o.RequireInteraction = true);
            return false;
        }
    }

    /// <summary>
    /// A dialog's save: runs it guarded; a saved value closes the dialog with it; field errors go to the form's fields;
    /// any other refusal is returned, for the dialog to show above its form (null when there is none).
    /// </summary>
    protected async Task<string?> SaveFormAsync<T>(string what, MudBlazor.IMudDialogInstance dialog, FormErrors errors, Func<Task<Core.Common.Result<T>>> save)
    {
        ArgumentNullException.ThrowIfNull(dialog);
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(save);
        string? refusal = null;
        await GuardAsync(what, async () =>
        {
            var result = await save();
            if (result.IsOk)
            {
                dialog.Close(MudBlazor.DialogResult.Ok(result.Value!));
                return;
            }
            errors.Set(result.Errors);
            refusal = result.Status == Core.Common.ResultStatus.Invalid ? null : Display.Refusal(result);
        });
        return refusal;
    }

    /// <summary>
    /// Shows the outcome of a command: the success message, or the refusal (why nothing was changed), kept on
    /// screen until the user dismisses it. Returns whether the command succeeded.
    /// </summary>
    protected bool Report<T>(Core.Common.Result<T> result, string success, Severity successSeverity = Severity.Success)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.IsOk)
        {
            Snackbar.Add(success, successSeverity);
        }
        else
        {
            Snackbar.Add(Display.Refusal(result), Severity.Warning, o => o.RequireInteraction = true);
        }
        return result.IsOk;
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (disposing)
        {
            // Cancelled, not disposed: calls still finishing may read the token after the component is gone.
            _lifetime.Cancel();
        }
    }
}
