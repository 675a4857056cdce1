LOAD <@LISTENER@/data.ttl>
