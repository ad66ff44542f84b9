import { cdkNag, checkov, fail, notApplicable, pass, type GuardrailRule } from "../../rule";
import { isTrue, str } from "../../private/values";

export const KmsKeyRotation: GuardrailRule = {
  id: "TB-KMS-1",
  name: "KmsKeyRotation",
  reason: "Symmetric keys rotate their key material yearly, bounding how much data one key version protects.",
  level: "required",
  resourceTypes: ["aws_kms_key"],
  references: [checkov("CKV_AWS_7"), cdkNag("AwsSolutions-KMS5")],
  fix: "use EncryptionKey (modules/kms), which enables rotation; asymmetric keys (SigningKey) cannot rotate and are exempt",
  check(key) {
    const spec = str(key.attributes.customer_master_key_spec) ?? "SYMMETRIC_DEFAULT";
    if (spec !== "SYMMETRIC_DEFAULT") return notApplicable(`${spec} keys cannot rotate automatically`);
    return isTrue(key.attributes.enable_key_rotation) ? pass() : fail("enable_key_rotation is not true");
  },
};
