import "vitest";

// cdktf's matchers, declared for vitest (cdktf ships them for jest only). Property names are snake_case.
interface CdktfMatchers<R = unknown> {
  toHaveResource(resourceType: { tfResourceType: string }): R;
  toHaveResourceWithProperties(resourceType: { tfResourceType: string }, properties: Record<string, unknown>): R;
  toHaveDataSource(dataSourceType: { tfResourceType: string }): R;
  toHaveDataSourceWithProperties(dataSourceType: { tfResourceType: string }, properties: Record<string, unknown>): R;
  toHaveProvider(providerType: { tfResourceType: string }): R;
  toHaveProviderWithProperties(providerType: { tfResourceType: string }, properties: Record<string, unknown>): R;
  toBeValidTerraform(): R;
  toPlanSuccessfully(): R;
}

declare module "vitest" {
  interface Assertion<T = any> extends CdktfMatchers<T> {}
  interface AsymmetricMatchersContaining extends CdktfMatchers {}
}
