using MudBlazor;

namespace DrPortal.Web.Components.Shared;

internal static class DialogServiceExtensions
{
    public static readonly DialogOptions Small = new() { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true };

    public static readonly DialogOptions Medium = new() { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseOnEscapeKey = true };

    /// <summary>
    /// A form that asks before it discards what was typed: Escape and clicks beside the dialog go to the form
    /// (which closes at once when nothing changed), not to the dialog service.
    /// </summary>
    public static readonly DialogOptions MediumForm = new() { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseOnEscapeKey = false, BackdropClick = false };

    public static readonly DialogOptions Large = new() { MaxWidth = MaxWidth.Large, FullWidth = true, CloseOnEscapeKey = true };

    /// <summary>Asks before a destructive action; true only when the user confirmed.</summary>
    public static async Task<bool> ConfirmAsync(
        this IDialogService dialogs, string title, string message, string confirmText = "Delete", string? detail = null,
        string dismissText = "Cancel", Color color = Color.Error, IReadOnlyList<string>? items = null)
    {
        var parameters = new DialogParameters<ConfirmDialog>
        {
            { d => d.Items, items },
            { d => d.Message, message },
            { d => d.ConfirmText, confirmText },
            { d => d.Detail, detail },
            { d => d.DismissText, dismissText },
            { d => d.Color, color },
        };
        var dialog = await dialogs.ShowAsync<ConfirmDialog>(title, parameters, new DialogOptions { MaxWidth = MaxWidth.ExtraSmall, FullWidth = true, CloseOnEscapeKey = true });
        var result = await dialog.Result;
        return result is { Canceled: false };
    }

    /// <summary>Opens a dialog and returns its data when it closed with OK, default otherwise.</summary>
    public static async Task<T?> ShowForResultAsync<TDialog, T>(this IDialogService dialogs, string title, DialogParameters<TDialog> parameters, DialogOptions? options = null)
        where TDialog : Microsoft.AspNetCore.Components.IComponent
    {
        var dialog = await dialogs.ShowAsync<TDialog>(title, parameters, options ?? Small);
        var result = await dialog.Result;
        return result is { Canceled: false, Data: T data } ? data : default;
    }
}
