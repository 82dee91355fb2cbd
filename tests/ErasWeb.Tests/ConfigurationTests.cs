using ErasWeb.Configuration;
using ErasWeb.Hosting;
using ErasWeb.Tests.Support;
using Microsoft.Extensions.Options;

namespace ErasWeb.Tests;

public class ConfigurationTests
{
    static readonly Dictionary<string, string?> Broken = new()
    {
        ["Eras:BackboneSource"] = "/no/such/dir",
        ["Eras:HeadPath"] = "/no/such/head.json",
        ["Eras:MaxUploadBytes"] = "0",
    };

    [Fact]
    public async Task Invalid_configuration_stops_start_up_with_a_message_that_says_what_to_fix()
    {
        var dataDir = Path.Combine(TestData.NewTempDir("config"), "data");
        await using var app = ErasApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(Broken) { ["Eras:DataDir"] = dataDir }));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        var message = string.Join("\n", error.Failures);
        Assert.Contains("ERAS_BACKBONE_SOURCE '/no/such/dir'", message);
        Assert.Contains("ERAS_HEAD_PATH", message);
        Assert.Contains("MaxUploadBytes", message);
        // Checking the configuration leaves nothing behind.
        Assert.False(Directory.Exists(dataDir));
    }

    [Fact]
    public void The_command_line_tools_validate_the_same_configuration()
    {
        var options = new ErasOptions { BackboneSource = "/no/such/dir", HeadPath = "/no/such/head.json", MaxUploadBytes = 0, DataDir = TestData.NewTempDir("config-cli") };

        var error = Assert.Throws<OptionsValidationException>(() => ErasOptions.Validated(options));

        var message = string.Join("\n", error.Failures);
        Assert.Contains("ERAS_BACKBONE_SOURCE '/no/such/dir'", message);
        Assert.Contains("ERAS_HEAD_PATH", message);
        Assert.Contains("MaxUploadBytes", message);
    }

    [Fact]
    public void A_data_directory_inside_a_file_is_refused_without_creating_anything()
    {
        var file = Path.Combine(TestData.NewTempDir("config-file"), "not-a-dir");
        File.WriteAllText(file, "");
        var options = new ErasOptions { BackboneSource = TestData.BackboneSource, HeadPath = TestData.CommittedHead, DataDir = Path.Combine(file, "data") };

        var result = new ErasOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("ERAS_DATA_DIR", result.FailureMessage);
    }

    [Fact]
    public void Trusted_proxies_are_addresses_or_networks_and_anything_else_is_named()
    {
        var options = new ErasOptions { BackboneSource = TestData.BackboneSource, HeadPath = TestData.CommittedHead, DataDir = TestData.NewTempDir("config-proxies") };
        options.TrustedProxies = "10.0.0.2, 172.16.0.0/12;::1";
        Assert.False(new ErasOptionsValidator().Validate(null, options).Failed);
        Assert.Equal(["10.0.0.2/32", "172.16.0.0/12", "::1/128"], options.TrustedProxyNetworks.Select(n => n.ToString()));

        options.TrustedProxies = "10.0.0.2, proxy.local, 10.0.0.0/33";
        var result = new ErasOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("ERAS_TRUSTED_PROXIES has 'proxy.local', '10.0.0.0/33'", result.FailureMessage);
    }

    [Fact]
    public void Management_urls_need_a_fixed_port_and_anything_else_is_named()
    {
        var options = new ErasOptions { BackboneSource = TestData.BackboneSource, HeadPath = TestData.CommittedHead, DataDir = TestData.NewTempDir("config-management") };
        options.ManagementUrls = "http://0.0.0.0:9090; http://localhost:9091";
        Assert.False(new ErasOptionsValidator().Validate(null, options).Failed);
        Assert.Equal([9090, 9091], options.ManagementPorts.Order());

        options.ManagementUrls = "http://0.0.0.0:9090;9091;http://127.0.0.1:0;ftp://host:21";
        var result = new ErasOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        foreach (var bad in (string[])["'9091'", "'http://127.0.0.1:0'", "'ftp://host:21'"])
            Assert.Contains($"ERAS_MANAGEMENT_URLS has {bad}", result.FailureMessage);
        Assert.DoesNotContain("'http://0.0.0.0:9090'", result.FailureMessage);
    }
}
