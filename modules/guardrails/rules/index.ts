import type { GuardrailRule } from "../rule";
import { ApiRouteAuthorized } from "./apigateway/ApiRouteAuthorized";
import { ApiStageAccessLogs } from "./apigateway/ApiStageAccessLogs";
import { ApiStageThrottled } from "./apigateway/ApiStageThrottled";
import { CloudFrontAccessLogging } from "./cloudfront/CloudFrontAccessLogging";
import { CloudFrontCustomCertificate } from "./cloudfront/CloudFrontCustomCertificate";
import { CloudFrontHttpsOnly } from "./cloudfront/CloudFrontHttpsOnly";
import { CloudFrontOriginAccessControl } from "./cloudfront/CloudFrontOriginAccessControl";
import { CloudFrontSecurityHeaders } from "./cloudfront/CloudFrontSecurityHeaders";
import { CloudFrontWebAcl } from "./cloudfront/CloudFrontWebAcl";
import { DynamoDbCustomerManagedKey } from "./dynamodb/DynamoDbCustomerManagedKey";
import { DynamoDbDeletionProtection } from "./dynamodb/DynamoDbDeletionProtection";
import { DynamoDbPointInTimeRecovery } from "./dynamodb/DynamoDbPointInTimeRecovery";
import { EcrImmutableTags } from "./ecr/EcrImmutableTags";
import { EcrScanOnPush } from "./ecr/EcrScanOnPush";
import { EcsClusterContainerInsights } from "./ecs/EcsClusterContainerInsights";
import { EcsContainersNonRoot } from "./ecs/EcsContainersNonRoot";
import { EcsContainersNotPrivileged } from "./ecs/EcsContainersNotPrivileged";
import { EcsContainersReadOnlyRootFilesystem } from "./ecs/EcsContainersReadOnlyRootFilesystem";
import { EcsServiceCircuitBreaker } from "./ecs/EcsServiceCircuitBreaker";
import { InstancesRequireImdsv2 } from "./ecs/InstancesRequireImdsv2";
import { LoadBalancerAccessLogs } from "./elb/LoadBalancerAccessLogs";
import { LoadBalancerDeletionProtection } from "./elb/LoadBalancerDeletionProtection";
import { LoadBalancerDropsInvalidHeaders } from "./elb/LoadBalancerDropsInvalidHeaders";
import { LoadBalancerInternal } from "./elb/LoadBalancerInternal";
import { LoadBalancerListenerTls } from "./elb/LoadBalancerListenerTls";
import { LoadBalancerTargetTls } from "./elb/LoadBalancerTargetTls";
import { GithubOidcTrustNarrowed } from "./iam/GithubOidcTrustNarrowed";
import { IamManagedPolicyAllowList } from "./iam/IamManagedPolicyAllowList";
import { IamNoWildcardActions } from "./iam/IamNoWildcardActions";
import { IamNoWildcardPrincipals } from "./iam/IamNoWildcardPrincipals";
import { IamNoWildcardResourceOnWrite } from "./iam/IamNoWildcardResourceOnWrite";
import { KmsKeyRotation } from "./kms/KmsKeyRotation";
import { LambdaAsyncFailureDestination } from "./lambda/LambdaAsyncFailureDestination";
import { LambdaLogRetention } from "./lambda/LambdaLogRetention";
import { LambdaRuntimeAllowed } from "./lambda/LambdaRuntimeAllowed";
import { LambdaTracing } from "./lambda/LambdaTracing";
import { LogGroupEncrypted } from "./logs/LogGroupEncrypted";
import { LogGroupRetention } from "./logs/LogGroupRetention";
import { AuroraBackupRetention } from "./rds/AuroraBackupRetention";
import { AuroraDeletionProtection } from "./rds/AuroraDeletionProtection";
import { AuroraEncrypted } from "./rds/AuroraEncrypted";
import { AuroraIamAuthentication } from "./rds/AuroraIamAuthentication";
import { AuroraManagedPassword } from "./rds/AuroraManagedPassword";
import { AuroraNotPublic } from "./rds/AuroraNotPublic";
import { AuroraTlsRequired } from "./rds/AuroraTlsRequired";
import { S3BucketAccessLogged } from "./s3/S3BucketAccessLogged";
import { S3BucketAclsDisabled } from "./s3/S3BucketAclsDisabled";
import { S3BucketEncrypted } from "./s3/S3BucketEncrypted";
import { S3BucketPublicAccessBlocked } from "./s3/S3BucketPublicAccessBlocked";
import { S3BucketTlsOnly } from "./s3/S3BucketTlsOnly";
import { S3BucketVersioned } from "./s3/S3BucketVersioned";
import { SnsTopicEncrypted } from "./sns/SnsTopicEncrypted";
import { DeadLetterQueueRetention } from "./sqs/DeadLetterQueueRetention";
import { SqsQueueEncrypted } from "./sqs/SqsQueueEncrypted";
import { DefaultSecurityGroupClosed } from "./vpc/DefaultSecurityGroupClosed";
import { NoPublicIngress } from "./vpc/NoPublicIngress";
import { VpcFlowLogs } from "./vpc/VpcFlowLogs";

/** The compliance pack, in the order `npm run check` prints it. */
export const GUARDRAIL_RULES: readonly GuardrailRule[] = [
  S3BucketPublicAccessBlocked,
  S3BucketEncrypted,
  S3BucketTlsOnly,
  S3BucketVersioned,
  S3BucketAccessLogged,
  S3BucketAclsDisabled,
  CloudFrontHttpsOnly,
  CloudFrontCustomCertificate,
  CloudFrontOriginAccessControl,
  CloudFrontAccessLogging,
  CloudFrontWebAcl,
  CloudFrontSecurityHeaders,
  ApiStageAccessLogs,
  ApiRouteAuthorized,
  ApiStageThrottled,
  LambdaLogRetention,
  LambdaTracing,
  LambdaAsyncFailureDestination,
  LambdaRuntimeAllowed,
  DynamoDbPointInTimeRecovery,
  DynamoDbCustomerManagedKey,
  DynamoDbDeletionProtection,
  AuroraEncrypted,
  AuroraNotPublic,
  AuroraManagedPassword,
  AuroraBackupRetention,
  AuroraDeletionProtection,
  AuroraIamAuthentication,
  AuroraTlsRequired,
  LoadBalancerInternal,
  LoadBalancerDropsInvalidHeaders,
  LoadBalancerAccessLogs,
  LoadBalancerDeletionProtection,
  LoadBalancerListenerTls,
  LoadBalancerTargetTls,
  EcsContainersNonRoot,
  EcsContainersReadOnlyRootFilesystem,
  EcsContainersNotPrivileged,
  InstancesRequireImdsv2,
  EcsClusterContainerInsights,
  EcsServiceCircuitBreaker,
  EcrScanOnPush,
  EcrImmutableTags,
  SqsQueueEncrypted,
  DeadLetterQueueRetention,
  SnsTopicEncrypted,
  LogGroupEncrypted,
  LogGroupRetention,
  IamNoWildcardActions,
  IamNoWildcardResourceOnWrite,
  IamNoWildcardPrincipals,
  IamManagedPolicyAllowList,
  GithubOidcTrustNarrowed,
  VpcFlowLogs,
  DefaultSecurityGroupClosed,
  NoPublicIngress,
  KmsKeyRotation,
];

const BY_ID = new Map(GUARDRAIL_RULES.map((rule) => [rule.id, rule]));

export function ruleById(id: string): GuardrailRule | undefined {
  return BY_ID.get(id);
}
