// @pulumi/awsguard 0.3.1 as a policy pack, every policy enabled: the pack agent-iam's benchmark
// compares its own with (figures 3 and 4). Run by the same harness as agent-iam's pack.

const { AwsGuard } = require("@pulumi/awsguard");

new AwsGuard({ all: "advisory" });
