using Microsoft.EntityFrameworkCore;

namespace ErasWeb.Data;

/// <summary>
/// Who may see a row, in one place. Every query sees by default what a visitor may: public rows and the
/// unlisted one the request's key opens (<see cref="ErasDb.AccessKey"/>, in the query filters ErasDb
/// declares), never a prediction an admin hid. Lists and galleries show only what is <see cref="Listed(IQueryable{Prediction})"/>.
/// Work that owns rows whoever uploaded them (the job runners, retention, deletion by token, the admin's
/// review) reads <see cref="EveryRow{T}"/>; a night's photos are seen <see cref="UnlessHidden"/> by whoever may see the night.
/// </summary>
public static class Visibility
{
    /// <summary>Public rows only, never an unlisted one, even the one the request's key opens.</summary>
    public static IQueryable<Prediction> Listed(this IQueryable<Prediction> predictions) => predictions.Where(p => p.AccessKey == null);

    /// <inheritdoc cref="Listed(IQueryable{Prediction})"/>
    public static IQueryable<Night> Listed(this IQueryable<Night> nights) => nights.Where(n => n.AccessKey == null);

    /// <summary>Every row, whoever uploaded it and whether or not an admin hid it: for the work that owns rows, never for what a visitor is shown.</summary>
    public static IQueryable<T> EveryRow<T>(this IQueryable<T> rows) where T : class => rows.IgnoreQueryFilters();

    /// <summary>Every prediction an admin has not hidden, whatever its key: a night's photos, seen by whoever may see the night (each has a key of its own).</summary>
    public static IQueryable<Prediction> UnlessHidden(this IQueryable<Prediction> predictions) => predictions.IgnoreQueryFilters().Where(p => !p.Hidden);
}
