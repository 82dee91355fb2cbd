using System.Diagnostics;
using Hangfire.Client;
using Hangfire.Common;
using Hangfire.Server;

namespace ErasWeb.Observability;

/// <summary>
/// Carries the trace of the request that queued a job into the job's run, in whichever process runs
/// it: the trace parent travels as a job parameter, and the run is a span of its own under it.
/// </summary>
public sealed class JobTracing : IClientFilter, IServerFilter
{
    const string Parent = "traceparent";
    const string Span = "erasweb.span";

    /// <summary>Hangfire's usual filters (the attributes on job methods among them), plus this one; nothing process-wide is changed.</summary>
    public static IJobFilterProvider Filters()
    {
        var filters = new JobFilterProviderCollection();
        foreach (var provider in JobFilterProviders.Providers) filters.Add(provider);
        filters.Add(new JobFilterCollection { new JobTracing() });
        return filters;
    }

    public void OnCreating(CreatingContext context)
    {
        if (Activity.Current?.Id is { } parent) context.SetJobParameter(Parent, parent);
    }

    public void OnCreated(CreatedContext context) { }

    public void OnPerforming(PerformingContext context)
    {
        var parent = context.GetJobParameter<string>(Parent);
        var span = ErasMetrics.Tracing.StartActivity($"job {context.BackgroundJob.Job.Type.Name}", ActivityKind.Consumer, parent);
        span?.SetTag("hangfire.job.id", context.BackgroundJob.Id);
        span?.SetTag("erasweb.job.arguments", string.Join(",", context.BackgroundJob.Job.Args.Where(a => a is long or int)));
        context.Items[Span] = span;
    }

    public void OnPerformed(PerformedContext context)
    {
        if (context.Items.TryGetValue(Span, out var item) && item is Activity span)
        {
            if (context.Exception is { } e) span.SetStatus(ActivityStatusCode.Error, e.Message);
            span.Dispose();
        }
    }
}
