-- floorScript (votefloor.go): the Go doc comment on floorScript describes KEYS, ARGV and the reply.
local recs = {}
for i = 1, #ARGV do
  if redis.call('HSETNX', 'floor:voter:' .. ARGV[i], 'e', '1') == 1 then recs[#recs + 1] = ARGV[i] end
end
if #recs > 0 then redis.call('XADD', 'floor:journal', '*', 'b', table.concat(recs, ',')) end
return #recs
