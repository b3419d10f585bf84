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

package dev.slotwise.key;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the parameter whose value is the hash tag of a cache key built by the
 * {@link HashTagKeyGenerator}. Without it the first parameter is the tag.
 *
 * <pre class="code">
 * &#64;Cacheable(cacheNames = "orders", keyGenerator = HashTagKeyGenerator.BEAN_NAME)
 * public List&lt;Order&gt; orders(String status, &#64;CacheTag long userId) { ... }
 * // key: orders::{42}:open
 * </pre>
 *
 * At most one parameter of a method carries it. It may be put on the parameter of an
 * interface method the cached method implements.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface CacheTag {

}
