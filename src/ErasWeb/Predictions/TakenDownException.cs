namespace ErasWeb.Predictions;

/// <summary>An upload of the very bytes an admin took out of public view: it is not analysed or shown again.</summary>
public sealed class TakenDownException() : Exception("This file was taken down by the site's admin, so ErasWeb does not show an answer for it.");
