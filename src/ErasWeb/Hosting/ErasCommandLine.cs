using System.CommandLine;

namespace ErasWeb.Hosting;

/// <summary>The executable's verbs: no verb (or "serve") runs the web app; the others are tools.</summary>
public static class ErasCommandLine
{
    public static RootCommand Create()
    {
        var root = new RootCommand("ErasWeb: tells which era of the Eras Tour a concert photo shows, and why.");
        var serve = new Command("serve", "Run the web app and API (the default).");
        // Unknown arguments go to ASP.NET Core (--urls, --environment, ...).
        root.TreatUnmatchedTokensAsErrors = false;
        serve.TreatUnmatchedTokensAsErrors = false;
        root.SetAction((result, ct) => ServeAsync([.. result.UnmatchedTokens], ct));
        serve.SetAction((result, ct) => ServeAsync([.. result.UnmatchedTokens], ct));
        root.Subcommands.Add(serve);
        root.Subcommands.Add(Training.TrainCommand.Create());
        // Nights are read by the show decoder, which sits above Training, so its subcommand joins eval here.
        var eval = Training.EvalCommand.Create();
        eval.Subcommands.Add(Training.NightEvaluation.Create());
        root.Subcommands.Add(eval);
        root.Subcommands.Add(Predictions.ClassifyCommand.Create());
        return root;
    }

    static async Task<int> ServeAsync(string[] args, CancellationToken ct)
    {
        await using var app = ErasApp.Build(args);
        await app.RunAsync(ct);
        return Environment.ExitCode;
    }

    /// <summary>Runs the verb the arguments name; configuration that cannot work ends it with what to fix (exit code 2), for every verb alike.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        // Ctrl+C cancels the verb's token (System.CommandLine does not listen for it unless asked), and a
        // verb that has not finished 10 s later is ended.
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10), EnableDefaultExceptionHandler = false };
        try
        {
            return await Create().Parse(args).InvokeAsync(invocation);
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync("ErasWeb cannot run; fix its configuration:" + string.Join(Environment.NewLine + "  - ", ["", .. e.Failures]));
            return 2;
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync(e.ToString());
            return 1;
        }
    }
}
