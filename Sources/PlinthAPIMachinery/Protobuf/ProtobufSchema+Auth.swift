// Protobuf schema tables (format: see ProtobufSchema.swift), generated from
// kubernetes/api@10b39a39bcee and kubernetes/apimachinery@eed236ceee2c:
// field numbers and types from generated.proto; JSON names, presence, patch tags and
// list/map/struct markers from types.go.

extension ProtobufSchema {
    static let rbacText = """
        AggregationRule 1:clusterRoleSelectors:[@meta.LabelSelector=atomic
        ClusterRole^ 1:metadata:@meta.ObjectMeta 2:rules:[@PolicyRule!=atomic
            3:aggregationRule:@AggregationRule*
        ClusterRoleBinding^ 1:metadata:@meta.ObjectMeta 2:subjects:[@Subject=atomic 3:roleRef:@RoleRef!+
        ClusterRoleBindingList^ 1:metadata:@meta.ListMeta 2:items:[@ClusterRoleBinding!+
        ClusterRoleList^ 1:metadata:@meta.ListMeta 2:items:[@ClusterRole!+
        PolicyRule 1:verbs:[s!+=atomic 2:apiGroups:[s=atomic 3:resources:[s=atomic 4:resourceNames:[s=atomic
            5:nonResourceURLs:[s=atomic
        Role^ 1:metadata:@meta.ObjectMeta 2:rules:[@PolicyRule!=atomic
        RoleBinding^ 1:metadata:@meta.ObjectMeta 2:subjects:[@Subject=atomic 3:roleRef:@RoleRef!+
        RoleBindingList^ 1:metadata:@meta.ListMeta 2:items:[@RoleBinding!+
        RoleList^ 1:metadata:@meta.ListMeta 2:items:[@Role!+
        RoleRef=atomic 1:apiGroup:s! 2:kind:s!+ 3:name:s!+
        Subject=atomic 1:kind:s!+ 2:apiGroup:s 3:name:s!+ 4:namespace:s
        """

    static let authenticationText = """
        ~AttestationValue 1:items:[s
        BoundObjectReference 1:kind:s 2:apiVersion:s 3:name:s 4:uid:s
        ~ExtraValue 1:items:[s
        SelfSubjectReview^ 1:metadata:@meta.ObjectMeta 2:status:@SelfSubjectReviewStatus
        SelfSubjectReviewStatus 1:userInfo:@UserInfo
        TokenRequest^ 1:metadata:@meta.ObjectMeta 2:spec:@TokenRequestSpec! 3:status:@TokenRequestStatus
        TokenRequestSpec 1:audiences:[s!=atomic 3:boundObjectRef:@BoundObjectReference*!
            4:expirationSeconds:l*! 5:attestations:{@AttestationValue
        TokenRequestStatus 1:token:s! 2:expirationTimestamp:T!
        TokenReview^ 1:metadata:@meta.ObjectMeta 2:spec:@TokenReviewSpec!+ 3:status:@TokenReviewStatus
        TokenReviewSpec 1:token:s+ 2:audiences:[s=atomic
        TokenReviewStatus 1:authenticated:b 2:user:@UserInfo 3:error:s 4:audiences:[s=atomic
        UserInfo 1:username:s 2:uid:s 3:groups:[s=atomic 4:extra:{@ExtraValue
        """

    static let authorizationText = """
        ~ExtraValue 1:items:[s
        FieldSelectorAttributes 1:rawSelector:s 2:requirements:[@meta.FieldSelectorRequirement=atomic
        LabelSelectorAttributes 1:rawSelector:s 2:requirements:[@meta.LabelSelectorRequirement=atomic
        LocalSubjectAccessReview^ 1:metadata:@meta.ObjectMeta 2:spec:@SubjectAccessReviewSpec!+
            3:status:@SubjectAccessReviewStatus
        NonResourceAttributes 1:path:s 2:verb:s
        NonResourceRule 1:verbs:[s!+=atomic 2:nonResourceURLs:[s=atomic
        ResourceAttributes 1:namespace:s 2:verb:s 3:group:s 4:version:s 5:resource:s 6:subresource:s
            7:name:s 8:fieldSelector:@FieldSelectorAttributes* 9:labelSelector:@LabelSelectorAttributes*
        ResourceRule 1:verbs:[s!+=atomic 2:apiGroups:[s=atomic 3:resources:[s=atomic
            4:resourceNames:[s=atomic
        SelfSubjectAccessReview^ 1:metadata:@meta.ObjectMeta 2:spec:@SelfSubjectAccessReviewSpec!+
            3:status:@SubjectAccessReviewStatus
        SelfSubjectAccessReviewSpec 1:resourceAttributes:@ResourceAttributes*
            2:nonResourceAttributes:@NonResourceAttributes*
        SelfSubjectRulesReview^ 1:metadata:@meta.ObjectMeta 2:spec:@SelfSubjectRulesReviewSpec!+
            3:status:@SubjectRulesReviewStatus
        SelfSubjectRulesReviewSpec 1:namespace:s
        SubjectAccessReview^ 1:metadata:@meta.ObjectMeta 2:spec:@SubjectAccessReviewSpec!+
            3:status:@SubjectAccessReviewStatus
        SubjectAccessReviewSpec 1:resourceAttributes:@ResourceAttributes*
            2:nonResourceAttributes:@NonResourceAttributes* 3:user:s 4:groups:[s=atomic 5:extra:{@ExtraValue
            6:uid:s
        SubjectAccessReviewStatus 1:allowed:b!+ 2:reason:s 3:evaluationError:s 4:denied:b
        SubjectRulesReviewStatus 1:resourceRules:[@ResourceRule!+=atomic
            2:nonResourceRules:[@NonResourceRule!+=atomic 3:incomplete:b!+ 4:evaluationError:s
        """
}
