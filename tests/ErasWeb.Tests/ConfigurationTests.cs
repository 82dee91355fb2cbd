using ErasWeb.Tests.Support;
using Microsoft.Extensions.Options;

namespace ErasWeb.Tests;

public class ConfigurationTests
{
    [Fact]
    public void Invalid_configuration_stops_start_up_with_a_message_that_says_what_to_fix()
    {
        var error = Assert.Throws<OptionsValidationException>(() => ErasApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Eras:BackboneSource"] = "/no/such/dir",
                ["Eras:DataDir"] = TestData.NewTempDir("config"),
                ["Eras:HeadPath"] = "/no/such/head.json",
                ["Eras:MaxUploadBytes"] = "0",
            })));
        var message = string.Join("\n", error.Failures);
        Assert.Contains("ERAS_BACKBONE_SOURCE '/no/such/dir'", message);
        Assert.Contains("ERAS_HEAD_PATH", message);
        Assert.Contains("MaxUploadBytes", message);
    }
}
