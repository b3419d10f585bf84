/*
 * Copyright 2026 the Slotwise authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package dev.slotwise.hotslot;

/**
 * One master's own view of its load, from {@code INFO stats} and {@code INFO memory}: the
 * traffic of every client, not only this application instance.
 *
 * @param nodeId the node id
 * @param address {@code host:port}, as the client's topology knows it
 * @param opsPerSecond {@code instantaneous_ops_per_sec}
 * @param usedMemoryBytes {@code used_memory}
 * @param slots how many slots the master owns
 */
public record MasterLoad(String nodeId, String address, long opsPerSecond, long usedMemoryBytes, int slots) {

}
