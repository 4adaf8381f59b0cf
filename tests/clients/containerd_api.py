# SPDX-License-Identifier: Apache-2.0
"""The one containerd call ctr 1.6 cannot make: Tasks.Update (ctr has no `task update`).

containerd's gRPC API is called with python3-grpcio; the request message is described at run time
with python3-protobuf (no generated code): containerd.services.tasks.v1.UpdateTaskRequest
{1 container_id, 2 resources Any, 3 annotations}. containerd hands it to the task's shim, and the
runc v2 shim runs `RUNTIME update --resources - ID` with the LinuxResources JSON on stdin.
"""
import json

RESOURCES_TYPE_URL = "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources"
_request_class = None


def _update_request_class():
    global _request_class
    if _request_class is None:
        from google.protobuf import any_pb2, descriptor_pb2, descriptor_pool, message_factory
        pool = descriptor_pool.DescriptorPool()
        pool.AddSerializedFile(any_pb2.DESCRIPTOR.serialized_pb)
        fdp = descriptor_pb2.FileDescriptorProto(
            name="ward_tests/tasks_update.proto", package="containerd.services.tasks.v1",
            syntax="proto3", dependency=["google/protobuf/any.proto"])
        msg = fdp.message_type.add(name="UpdateTaskRequest")
        f = descriptor_pb2.FieldDescriptorProto
        msg.field.add(name="container_id", number=1, type=f.TYPE_STRING, label=f.LABEL_OPTIONAL)
        msg.field.add(name="resources", number=2, type=f.TYPE_MESSAGE, label=f.LABEL_OPTIONAL,
                      type_name=".google.protobuf.Any")
        pool.Add(fdp)
        desc = pool.FindMessageTypeByName("containerd.services.tasks.v1.UpdateTaskRequest")
        if hasattr(message_factory, "GetMessageClass"):
            _request_class = message_factory.GetMessageClass(desc)
        else:
            _request_class = message_factory.MessageFactory(pool).GetPrototype(desc)
    return _request_class


def update_task(socket, namespace, container_id, resources, timeout=60):
    """Tasks.Update of container_id's task with resources (a runtime-spec LinuxResources dict)."""
    import grpc
    req = _update_request_class()(container_id=container_id)
    req.resources.type_url = RESOURCES_TYPE_URL
    req.resources.value = json.dumps(resources).encode()
    with grpc.insecure_channel("unix://" + socket) as channel:
        call = channel.unary_unary("/containerd.services.tasks.v1.Tasks/Update",
                                   request_serializer=lambda m: m.SerializeToString(),
                                   response_deserializer=lambda b: b)
        call(req, metadata=[("containerd-namespace", namespace)], timeout=timeout)
