// The component classes served to other Pulumi languages, as the package builds them: Pulumi's
// analyzer reads their declarations from here (the package's name gives the type tokens agent-iam:index:*).
export * from "../dist/components/any-language";
