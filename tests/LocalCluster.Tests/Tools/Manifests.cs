namespace Flywheel.ApiServer.Tests.Tools;

/// <summary>Manifests the kubectl and helm tests apply: a CRD shaped like Flywheel's, objects of it, a Deployment, a chart.</summary>
internal static class Manifests
{
    public const string WidgetCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.flywheel.dev
        spec:
          group: example.flywheel.dev
          scope: Namespaced
          names:
            kind: Widget
            plural: widgets
            singular: widget
            shortNames: [wd]
            categories: [flywheel]
          versions:
          - name: v1alpha1
            served: true
            storage: true
            subresources:
              status: {}
              scale:
                specReplicasPath: .spec.replicas
                statusReplicasPath: .status.replicas
            additionalPrinterColumns:
            - name: Size
              type: string
              jsonPath: .spec.size
            - name: Replicas
              type: integer
              jsonPath: .spec.replicas
            - name: Ready
              type: string
              jsonPath: .status.conditions[?(@.type=="Ready")].status
            - name: Age
              type: date
              jsonPath: .metadata.creationTimestamp
            schema:
              openAPIV3Schema:
                type: object
                description: A Widget is a test resource.
                properties:
                  spec:
                    type: object
                    description: What the widget should be.
                    required: [size]
                    properties:
                      size:
                        type: string
                        description: How big the widget is.
                        enum: [small, medium, large]
                      replicas:
                        type: integer
                        description: How many copies to run.
                        minimum: 0
                        maximum: 10
                        default: 1
                      color:
                        type: string
                        pattern: '^[a-z]+$'
                        default: blue
                  status:
                    type: object
                    properties:
                      replicas:
                        type: integer
                      conditions:
                        type: array
                        x-kubernetes-list-type: map
                        x-kubernetes-list-map-keys: [type]
                        items:
                          type: object
                          required: [type, status]
                          properties:
                            type: {type: string}
                            status: {type: string}
                            reason: {type: string}
        """;

    public static string Widget(string name, string size = "small", int replicas = 2, string extra = "") => $"""
        apiVersion: example.flywheel.dev/v1alpha1
        kind: Widget
        metadata:
          name: {name}
        {extra}
        spec:
          size: {size}
          replicas: {replicas}
        """;

    public static string Deployment(string image, string env) => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 1
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: {{image}}
                env:
        {{env}}
                ports:
                - containerPort: 80
              - name: sidecar
                image: busybox:1
        """;

    public const string ChartYaml = """
        apiVersion: v2
        name: demo
        version: 0.1.0
        appVersion: "1.0"
        """;

    public const string ChartValues = """
        image: nginx:1.25
        greeting: hello
        size: small
        """;

    public const string ChartTemplates = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {{ .Release.Name }}-config
        data:
          greeting: {{ .Values.greeting | quote }}
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: {{ .Release.Name }}-secret
        type: Opaque
        stringData:
          token: {{ .Values.greeting | upper | quote }}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ .Release.Name }}-web
          labels: {app: {{ .Release.Name }}}
        spec:
          replicas: 1
          selector:
            matchLabels: {app: {{ .Release.Name }}}
          template:
            metadata:
              labels: {app: {{ .Release.Name }}}
            spec:
              containers:
              - name: web
                image: {{ .Values.image }}
        ---
        apiVersion: example.flywheel.dev/v1alpha1
        kind: Widget
        metadata:
          name: {{ .Release.Name }}-widget
        spec:
          size: {{ .Values.size }}
        """;
}
