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
/**
 * Small pieces every capability shares: the one way to reach Lettuce's native cluster
 * commands (and to keep the shared connection's, off the request path's wrapper), the one
 * way to read a node's {@code INFO}, and the runner of background schedulers.
 */
@NullMarked
package dev.slotwise.support;

import org.jspecify.annotations.NullMarked;
