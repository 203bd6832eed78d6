// Protobuf schema tables (format: see ProtobufSchema.swift), generated from
// kubernetes/api@10b39a39bcee and kubernetes/apimachinery@eed236ceee2c:
// field numbers and types from generated.proto; JSON names, presence, patch tags and
// list/map/struct markers from types.go.

extension ProtobufSchema {
    static let networkingText = """
        HTTPIngressPath 1:path:s 2:backend:@IngressBackend!+ 3:pathType:s*!+
        HTTPIngressRuleValue 1:paths:[@HTTPIngressPath!+=atomic
        IPAddress^ 1:metadata:@meta.ObjectMeta 2:spec:@IPAddressSpec+
        IPAddressList^ 1:metadata:@meta.ListMeta 2:items:[@IPAddress!+
        IPAddressSpec 1:parentRef:@ParentReference*+
        IPBlock 1:cidr:s!+ 2:except:[s=atomic
        Ingress^ 1:metadata:@meta.ObjectMeta 2:spec:@IngressSpec 3:status:@IngressStatus
        IngressBackend 3:resource:@core.TypedLocalObjectReference* 4:service:@IngressServiceBackend*
        IngressClass^ 1:metadata:@meta.ObjectMeta 2:spec:@IngressClassSpec
        IngressClassList^ 1:metadata:@meta.ListMeta 2:items:[@IngressClass!+
        IngressClassParametersReference 1:apiGroup:s* 2:kind:s!+ 3:name:s!+ 4:scope:s*! 5:namespace:s*
        IngressClassSpec 1:controller:s 2:parameters:@IngressClassParametersReference*
        IngressList^ 1:metadata:@meta.ListMeta 2:items:[@Ingress!+
        IngressLoadBalancerIngress 1:ip:s 2:hostname:s 4:ports:[@IngressPortStatus=atomic
        IngressLoadBalancerStatus 1:ingress:[@IngressLoadBalancerIngress=atomic
        IngressPortStatus 1:port:i!+ 2:protocol:s!+ 3:error:s*
        IngressRule 1:host:s 2:ingressRuleValue:@IngressRuleValue^
        IngressRuleValue 1:http:@HTTPIngressRuleValue*
        IngressServiceBackend 1:name:s!+ 2:port:@ServiceBackendPort
        IngressSpec 1:defaultBackend:@IngressBackend* 2:tls:[@IngressTLS=atomic 3:rules:[@IngressRule=atomic
            4:ingressClassName:s*
        IngressStatus 1:loadBalancer:@IngressLoadBalancerStatus
        IngressTLS 1:hosts:[s=atomic 2:secretName:s
        NetworkPolicy^ 1:metadata:@meta.ObjectMeta 2:spec:@NetworkPolicySpec
        NetworkPolicyEgressRule 1:ports:[@NetworkPolicyPort=atomic 2:to:[@NetworkPolicyPeer=atomic
        NetworkPolicyIngressRule 1:ports:[@NetworkPolicyPort=atomic 2:from:[@NetworkPolicyPeer=atomic
        NetworkPolicyList^ 1:metadata:@meta.ListMeta 2:items:[@NetworkPolicy!+
        NetworkPolicyPeer 1:podSelector:@meta.LabelSelector* 2:namespaceSelector:@meta.LabelSelector*
            3:ipBlock:@IPBlock*
        NetworkPolicyPort 1:protocol:s* 2:port:I* 3:endPort:i*
        NetworkPolicySpec 1:podSelector:@meta.LabelSelector! 2:ingress:[@NetworkPolicyIngressRule=atomic
            3:egress:[@NetworkPolicyEgressRule=atomic 4:policyTypes:[s=atomic
        ParentReference 1:group:s 2:resource:s+ 3:namespace:s 4:name:s+
        ServiceBackendPort=atomic 1:name:s 2:number:i
        ServiceCIDR^ 1:metadata:@meta.ObjectMeta 2:spec:@ServiceCIDRSpec 3:status:@ServiceCIDRStatus
        ServiceCIDRList^ 1:metadata:@meta.ListMeta 2:items:[@ServiceCIDR!+
        ServiceCIDRSpec 1:cidrs:[s=atomic
        ServiceCIDRStatus 1:conditions:[@meta.Condition%type=map:type
        """

    static let schedulingText = """
        PriorityClass^ 1:metadata:@meta.ObjectMeta 2:value:i! 3:globalDefault:b 4:description:s
            5:preemptionPolicy:s*
        PriorityClassList^ 1:metadata:@meta.ListMeta 2:items:[@PriorityClass!+
        """

    static let coordinationText = """
        Lease^ 1:metadata:@meta.ObjectMeta 2:spec:@LeaseSpec
        LeaseList^ 1:metadata:@meta.ListMeta 2:items:[@Lease!+
        LeaseSpec 1:holderIdentity:s* 2:leaseDurationSeconds:i* 3:acquireTime:M* 4:renewTime:M*
            5:leaseTransitions:i* 6:strategy:s* 7:preferredHolder:s*
        """

    static let storageText = """
        CSIDriver^ 1:metadata:@meta.ObjectMeta 2:spec:@CSIDriverSpec!+
        CSIDriverList^ 1:metadata:@meta.ListMeta 2:items:[@CSIDriver!+
        CSIDriverSpec 1:attachRequired:b* 2:podInfoOnMount:b* 3:volumeLifecycleModes:[s=set
            4:storageCapacity:b* 5:fsGroupPolicy:s* 6:tokenRequests:[@TokenRequest=atomic
            7:requiresRepublish:b* 8:seLinuxMount:b* 9:nodeAllocatableUpdatePeriodSeconds:l*
            10:serviceAccountTokenInSecrets:b* 11:preventPodSchedulingIfMissing:b*
        CSINode^ 1:metadata:@meta.ObjectMeta 2:spec:@CSINodeSpec!+ 3:status:@CSINodeStatus
        CSINodeDriver 1:name:s!+ 2:nodeID:s!+ 3:topologyKeys:[s!=atomic 4:allocatable:@VolumeNodeResources*
        CSINodeList^ 1:metadata:@meta.ListMeta 2:items:[@CSINode!+
        CSINodeSpec 1:drivers:[@CSINodeDriver!+%name=map:name
        CSINodeStatus 1:storageHealth:[@StorageHealth%name=map:name
        CSIStorageCapacity^ 1:metadata:@meta.ObjectMeta 2:nodeTopology:@meta.LabelSelector*
            3:storageClassName:s!+ 4:capacity:Q* 5:maximumVolumeSize:Q*
        CSIStorageCapacityList^ 1:metadata:@meta.ListMeta 2:items:[@CSIStorageCapacity!+
        StorageClass^ 1:metadata:@meta.ObjectMeta 2:provisioner:s!+ 3:parameters:{s 4:reclaimPolicy:s*
            5:mountOptions:[s=atomic 6:allowVolumeExpansion:b* 7:volumeBindingMode:s*
            8:allowedTopologies:[@core.TopologySelectorTerm=atomic
        StorageClassList^ 1:metadata:@meta.ListMeta 2:items:[@StorageClass!+
        StorageHealth 1:name:s!+ 2:healthConditions:[@StorageHealthCondition=atomic
        StorageHealthCondition 1:status:s!+ 2:reason:s!+ 3:message:s 4:accessMode:s* 5:volumeMode:s*
            6:lastTransitionTime:T
        TokenRequest 1:audience:s!+ 2:expirationSeconds:l*
        VolumeAttachment^ 1:metadata:@meta.ObjectMeta 2:spec:@VolumeAttachmentSpec!+
            3:status:@VolumeAttachmentStatus
        VolumeAttachmentList^ 1:metadata:@meta.ListMeta 2:items:[@VolumeAttachment!+
        VolumeAttachmentSource 1:persistentVolumeName:s* 2:inlineVolumeSpec:@core.PersistentVolumeSpec*
        VolumeAttachmentSpec 1:attacher:s!+ 2:source:@VolumeAttachmentSource!+ 3:nodeName:s!+
        VolumeAttachmentStatus 1:attached:b!+ 2:attachmentMetadata:{s 3:attachError:@VolumeError*
            4:detachError:@VolumeError*
        VolumeAttributesClass^ 1:metadata:@meta.ObjectMeta 2:driverName:s!+ 3:parameters:{s
        VolumeAttributesClassList^ 1:metadata:@meta.ListMeta 2:items:[@VolumeAttributesClass!+
        VolumeError 1:time:T 2:message:s 3:errorCode:i*
        VolumeNodeResources 1:count:i*
        """

    static let nodeText = """
        Overhead 1:podFixed:{Q
        RuntimeClass^ 1:metadata:@meta.ObjectMeta 2:handler:s!+ 3:overhead:@Overhead*
            4:scheduling:@Scheduling*
        RuntimeClassList^ 1:metadata:@meta.ListMeta 2:items:[@RuntimeClass!+
        Scheduling 1:nodeSelector:{s=atomic 2:tolerations:[@core.Toleration=atomic
        """

    static let discoveryText = """
        Endpoint 1:addresses:[s!+=set 2:conditions:@EndpointConditions 3:hostname:s*
            4:targetRef:@core.ObjectReference* 5:deprecatedTopology:{s 6:nodeName:s* 7:zone:s*
            8:hints:@EndpointHints*
        EndpointConditions 1:ready:b* 2:serving:b* 3:terminating:b*
        EndpointHints 1:forZones:[@ForZone=atomic 2:forNodes:[@ForNode=atomic
        EndpointPort=atomic 1:name:s* 2:protocol:s* 3:port:i* 4:appProtocol:s*
        EndpointSlice^ 1:metadata:@meta.ObjectMeta 2:endpoints:[@Endpoint!=atomic
            3:ports:[@EndpointPort!=atomic 4:addressType:s!+
        EndpointSliceList^ 1:metadata:@meta.ListMeta 2:items:[@EndpointSlice!+
        ForNode 1:name:s!+
        ForZone 1:name:s!+
        """

    static let eventsText = """
        Event^ 1:metadata:@meta.ObjectMeta! 2:eventTime:M!+ 3:series:@EventSeries* 4:reportingController:s
            5:reportingInstance:s 6:action:s 7:reason:s 8:regarding:@core.ObjectReference
            9:related:@core.ObjectReference* 10:note:s 11:type:s 12:deprecatedSource:@core.EventSource
            13:deprecatedFirstTimestamp:T 14:deprecatedLastTimestamp:T 15:deprecatedCount:i
        EventList^ 1:metadata:@meta.ListMeta 2:items:[@Event!+
        EventSeries 1:count:i!+ 2:lastObservedTime:M!+
        """
}
