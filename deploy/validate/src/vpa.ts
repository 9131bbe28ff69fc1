// Types of autoscaling.k8s.io/v1 VerticalPodAutoscaler (the VPA CRD), written
// from its published v1 schema because no kubernetes-models package ships
// them. Only the spec fields; status is server-written. Closed object types,
// so a misspelled field is a type error exactly as for the built-in kinds.
import type { IIoK8sApimachineryPkgApisMetaV1ObjectMeta } from "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta";

type Quantity = string | number;
type ResourceName = "cpu" | "memory";

export interface ICrossVersionObjectReference {
  apiVersion?: string;
  kind: string;
  name: string;
}

export interface IContainerResourcePolicy {
  containerName?: string;
  mode?: "Auto" | "Off";
  minAllowed?: Partial<Record<ResourceName, Quantity>>;
  maxAllowed?: Partial<Record<ResourceName, Quantity>>;
  controlledResources?: ResourceName[];
  controlledValues?: "RequestsAndLimits" | "RequestsOnly";
}

export interface IVerticalPodAutoscaler {
  apiVersion: "autoscaling.k8s.io/v1";
  kind: "VerticalPodAutoscaler";
  metadata?: IIoK8sApimachineryPkgApisMetaV1ObjectMeta;
  spec: {
    targetRef: ICrossVersionObjectReference;
    updatePolicy?: {
      updateMode?: "Off" | "Initial" | "Recreate" | "InPlaceOrRecreate" | "Auto";
      minReplicas?: number;
    };
    resourcePolicy?: { containerPolicies?: IContainerResourcePolicy[] };
    recommenders?: { name: string }[];
  };
}
