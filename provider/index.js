// What @pulumi/pulumi/cmd/run-plugin loads: the compiled classes that index.ts declares.
module.exports = require("../dist/components/any-language/index.js");
