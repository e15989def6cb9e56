using Bunit;
using Microsoft.AspNetCore.Components;

namespace DrPortal.Tests.Components;

/// <summary>
/// A click on an element that a page may render again at any moment: pages load in steps (pairs, then their last runs
/// and protection), and a render between finding a button and clicking it retires the handler that was found. The
/// click is tried again on the element as rendered now; a click that reached its handler is never repeated.
/// </summary>
internal static class StableClicks
{
    private const int Attempts = 40;

    public static void ClickWhenStable<TComponent>(this IRenderedComponent<TComponent> rendered, string selector)
        where TComponent : IComponent
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                rendered.Find(selector).Click();
                return;
            }
            catch (Bunit.Rendering.UnknownEventHandlerIdException) when (attempt < Attempts)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(25));
            }
        }
    }
}
